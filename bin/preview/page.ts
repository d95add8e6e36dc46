import { escapeHtml } from './html.js';

export interface PageParts {
  title: string;
  /** Facts about the run, each already escaped HTML. */
  facts: [string, string][];
  slack: string;
  discord: string;
  consoleText: string;
  /** Shown instead of the platforms when the run would post nothing. */
  nothing?: string;
}

/** Close to each client's look: Slack's light theme (Lato, 15 px), Discord's dark theme (gg sans, embeds with a colour bar). */
const CSS = `
*{box-sizing:border-box}
body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;background:#f4f4f5;color:#18181b}
header.run{padding:20px 28px;background:#fff;border-bottom:1px solid #e4e4e7}
header.run h1{margin:0 0 8px;font-size:20px}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:2px 14px;margin:0}
dl.facts dt{color:#71717a}dl.facts dd{margin:0;overflow-wrap:anywhere}
main{display:flex;flex-wrap:wrap;gap:24px;padding:24px 28px;align-items:flex-start}
section.platform{flex:1 1 560px;max-width:760px;min-width:0}
section.platform>h2{font-size:13px;text-transform:uppercase;letter-spacing:.06em;color:#52525b;margin:0 0 8px}
.limits{font-size:12px;color:#71717a;padding:6px 16px;border-bottom:1px dashed rgba(128,128,128,.35)}
.limits .over,.over{color:#dc2626;font-weight:700;outline:2px solid #dc2626}
.nothing{padding:16px;background:#fff;border:1px solid #e4e4e7;border-radius:8px}
a{overflow-wrap:anywhere}
#slack .client{background:#fff;border:1px solid #dddddd;border-radius:8px;font-family:Lato,"Helvetica Neue","DejaVu Sans",Helvetica,Arial,sans-serif;font-size:15px;line-height:1.46668;color:#1d1c1d}
.s-message+.s-message{border-top:1px solid #eee}
.s-row{display:flex;gap:8px;padding:8px 20px 12px}
.s-avatar{flex:0 0 36px;height:36px;border-radius:6px;background:#1f3a5f;color:#fff;font-weight:900;display:flex;align-items:center;justify-content:center}
.s-body{min-width:0;flex:1}
.s-meta{display:flex;gap:6px;align-items:baseline}
.s-name{font-weight:900}
.s-app{font-size:10px;font-weight:700;background:rgba(29,28,29,.13);color:rgba(29,28,29,.7);padding:0 3px;border-radius:2px}
.s-time{font-size:12px;color:#616061}
.s-header{font-size:18px;font-weight:900;margin:6px 0 4px;overflow-wrap:anywhere}
.s-section{margin:4px 0;overflow-wrap:anywhere;white-space:normal}
.s-context{font-size:13px;color:#616061;margin:2px 0 8px;overflow-wrap:anywhere}
.s-section a,.s-context a{color:#1264a3;text-decoration:none}
.s-section blockquote,.d-description blockquote{margin:4px 0;padding-left:12px;border-left:4px solid #dddddd}
.s-divider{border:0;border-top:1px solid #dddddd;margin:8px 0}
.s-button{display:inline-block;border:1px solid #bbb;border-radius:4px;padding:2px 12px;font-weight:700;font-size:13px}
#discord .client{background:#313338;border-radius:8px;color:#dbdee1;font-family:"gg sans","Noto Sans","DejaVu Sans","Helvetica Neue",Helvetica,Arial,sans-serif;font-size:16px;line-height:1.375}
#discord .limits{color:#b5bac1}
.d-message+.d-message{border-top:1px solid #3f4147}
.d-row{display:flex;gap:16px;padding:8px 16px 12px}
.d-avatar{flex:0 0 40px;height:40px;border-radius:50%;background:#5865f2;color:#fff;font-weight:700;display:flex;align-items:center;justify-content:center}
.d-body{min-width:0;flex:1}
.d-meta{display:flex;gap:6px;align-items:center}
.d-name{font-weight:500;color:#f2f3f5}
.d-app{font-size:10px;font-weight:600;background:#5865f2;color:#fff;padding:0 4px;border-radius:3px}
.d-time{font-size:12px;color:#949ba4}
.d-content{overflow-wrap:anywhere}
.d-embed{background:#2b2d31;border-left:4px solid #1e1f22;border-radius:4px;padding:8px 16px 16px 12px;margin-top:4px;max-width:520px;font-size:14px;overflow-wrap:anywhere}
.d-title{font-weight:600;color:#f2f3f5;margin-top:8px;font-size:16px}
.d-title a{color:#00a8fc;text-decoration:none}
.d-description{margin-top:8px;white-space:normal}
.d-description a,.d-field-value a,.d-content a{color:#00a8fc;text-decoration:none}
.d-field{margin-top:8px}
.d-field-name{font-weight:600;color:#f2f3f5;font-size:14px}
.d-footer{margin-top:8px;font-size:12px;color:#dbdee1;opacity:.85}
#console pre{margin:0;background:#18181b;color:#e4e4e7;padding:16px;border-radius:8px;white-space:pre-wrap;overflow-wrap:anywhere;font:13px/1.5 ui-monospace,"DejaVu Sans Mono",monospace}
`;

export function page(p: PageParts): string {
  const facts = p.facts.map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd>${v}</dd>`).join('');
  const platforms = p.nothing
    ? `<section class="platform" id="nothing"><div class="nothing">${escapeHtml(p.nothing)}</div></section>`
    : `<section class="platform" id="slack"><h2>Slack</h2><div class="client">${p.slack}</div></section>
<section class="platform" id="discord"><h2>Discord</h2><div class="client">${p.discord}</div></section>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(p.title)}</title><style>${CSS}</style></head>
<body>
<header class="run"><h1>${escapeHtml(p.title)}</h1><dl class="facts">${facts}</dl></header>
<main>
${platforms}
<section class="platform" id="console"><h2>Console</h2><pre>${escapeHtml(p.consoleText)}</pre></section>
</main>
</body></html>
`;
}
