/** The console's one stylesheet (served as /console/assets/console.css). System fonts; no external assets. */
export const consoleCss = `
:root{--bg:#f6f7f9;--panel:#fff;--ink:#1d2433;--muted:#5b6475;--line:#e3e6eb;--accent:#3b5bdb;--accent-ink:#fff;
--ok:#1f7a3a;--ok-bg:#e3f4e8;--err:#b42318;--err-bg:#fde8e7;--wait:#8a5a00;--wait-bg:#fdf1d8;--info:#2544b8;--info-bg:#e6ecfd;--grey:#4b5563;--grey-bg:#eceef1;
--side:#141a26;--side-ink:#c9d1e0;--radius:8px;font-size:15px}
*{box-sizing:border-box}
body{margin:0;font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:var(--ink);background:var(--bg);line-height:1.45}
a{color:var(--accent)}
code,pre,.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.88em}
.shell{display:grid;grid-template-columns:224px 1fr;min-height:100vh}
.side{background:var(--side);color:var(--side-ink);padding:18px 12px;display:flex;flex-direction:column;gap:4px;position:sticky;top:0;height:100vh}
.brand{color:#fff;font-weight:700;font-size:1.15rem;padding:4px 10px 2px;letter-spacing:.2px}
.brand span{color:#8ea4ff}
.project{font-size:.8rem;padding:0 10px 14px;color:#a6b0c3;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
.side nav{display:flex;flex-direction:column;gap:2px}
.side nav a{color:var(--side-ink);text-decoration:none;padding:7px 10px;border-radius:6px;font-size:.93rem}
.side nav a:hover{background:#222a3a;color:#fff}
.side nav a[aria-current=page]{background:#2b3550;color:#fff;font-weight:600}
.side .foot{margin-top:auto;font-size:.8rem;color:#a6b0c3;padding:10px}
.side .foot button{margin-top:8px;width:100%;background:transparent;color:#dfe5f1;border:1px solid #3a4560}
main{padding:26px 32px;max-width:1280px;width:100%}
h1{font-size:1.45rem;margin:0 0 4px}
h2{font-size:1.08rem;margin:22px 0 10px}
.sub{color:var(--muted);margin:0 0 18px}
.panel{background:var(--panel);border:1px solid var(--line);border-radius:var(--radius);padding:16px 18px;margin-bottom:16px}
.grid{display:grid;gap:14px;grid-template-columns:repeat(auto-fit,minmax(190px,1fr));margin-bottom:16px}
.stat{background:var(--panel);border:1px solid var(--line);border-radius:var(--radius);padding:14px 16px}
.stat .label{color:var(--muted);font-size:.82rem;text-transform:uppercase;letter-spacing:.04em}
.stat .value{font-size:1.6rem;font-weight:650;margin-top:2px}
.stat .note{color:var(--muted);font-size:.82rem}
table{width:100%;border-collapse:collapse;background:var(--panel)}
.table-wrap{background:var(--panel);border:1px solid var(--line);border-radius:var(--radius);overflow:auto}
th{text-align:left;font-size:.78rem;text-transform:uppercase;letter-spacing:.04em;color:var(--muted);font-weight:600;padding:9px 12px;border-bottom:1px solid var(--line);background:#fafbfc;white-space:nowrap}
td{padding:9px 12px;border-bottom:1px solid var(--line);vertical-align:top}
tr:last-child td{border-bottom:0}
tbody tr:hover{background:#f8f9fc}
td.subject a{color:var(--ink);text-decoration:none;font-weight:550}
td.subject a:hover{text-decoration:underline}
.muted{color:var(--muted)}
.small{font-size:.85rem}
.nowrap{white-space:nowrap}
.badge{display:inline-block;padding:1px 9px;border-radius:999px;font-size:.78rem;font-weight:600;white-space:nowrap;background:var(--grey-bg);color:var(--grey)}
.badge.ok{background:var(--ok-bg);color:var(--ok)}
.badge.error{background:var(--err-bg);color:var(--err)}
.badge.wait{background:var(--wait-bg);color:var(--wait)}
.badge.info{background:var(--info-bg);color:var(--info)}
form.filters{display:flex;flex-wrap:wrap;gap:10px;align-items:flex-end;margin-bottom:14px}
label{display:flex;flex-direction:column;gap:3px;font-size:.82rem;color:var(--muted);font-weight:550}
input,select,textarea{font:inherit;font-size:.92rem;color:var(--ink);padding:6px 9px;border:1px solid #cdd2da;border-radius:6px;background:#fff}
textarea{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.85rem;width:100%;min-height:220px}
input:focus,select:focus,textarea:focus,button:focus-visible,a:focus-visible{outline:2px solid var(--accent);outline-offset:1px}
button,.button{font:inherit;font-size:.9rem;padding:6px 14px;border-radius:6px;border:1px solid var(--accent);background:var(--accent);color:var(--accent-ink);cursor:pointer;text-decoration:none;display:inline-block}
button.secondary,.button.secondary{background:#fff;color:var(--ink);border-color:#cdd2da}
button.danger{background:#fff;color:var(--err);border-color:#efb7b2}
button:disabled{opacity:.5;cursor:not-allowed}
.actions{display:flex;flex-wrap:wrap;gap:8px;align-items:flex-end}
.actions form{display:flex;gap:6px;align-items:flex-end;margin:0}
.pager{display:flex;justify-content:space-between;align-items:center;margin-top:12px}
.flash{padding:10px 14px;border-radius:6px;margin-bottom:14px;background:var(--ok-bg);color:var(--ok);border:1px solid #b9e2c5}
.flash.error{background:var(--err-bg);color:var(--err);border-color:#f3c1bc}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:6px 18px;margin:0}
dl.facts dt{color:var(--muted);font-size:.86rem}
dl.facts dd{margin:0;word-break:break-word}
.cols{display:grid;grid-template-columns:minmax(0,1.6fr) minmax(0,1fr);gap:16px}
@media (max-width:1000px){.cols{grid-template-columns:1fr}.shell{grid-template-columns:1fr}.side{position:static;height:auto}}
.timeline{list-style:none;margin:0;padding:0}
.timeline li{display:grid;grid-template-columns:14px 1fr;gap:10px;padding:0 0 12px;position:relative}
.timeline li::before{content:"";width:10px;height:10px;border-radius:50%;background:var(--accent);margin-top:6px}
.timeline li:not(:last-child)::after{content:"";position:absolute;left:4px;top:18px;bottom:0;width:2px;background:var(--line)}
.tabs{display:flex;gap:4px;border-bottom:1px solid var(--line);margin-bottom:12px}
.tabs a{padding:8px 14px;text-decoration:none;color:var(--muted);border-bottom:2px solid transparent;font-weight:550}
.tabs a[aria-current]{color:var(--ink);border-bottom-color:var(--accent)}
iframe.mail{width:100%;height:520px;border:1px solid var(--line);border-radius:6px;background:#fff}
pre.source{background:#0f1522;color:#e2e8f5;padding:14px;border-radius:6px;overflow:auto;max-height:560px;white-space:pre-wrap;word-break:break-all}
.chart{display:flex;align-items:flex-end;gap:3px;height:140px;padding-top:8px}
.chart .bar{flex:1;display:flex;flex-direction:column-reverse;min-width:4px;height:100%;background:#f1f3f6;border-radius:2px 2px 0 0}
.chart .bar span{display:block}
.chart .ok{background:#4caf6e}.chart .error{background:#e0584d}.chart .progress{background:#e9b949}
.legend{display:flex;gap:14px;font-size:.82rem;color:var(--muted);margin-top:8px}
.legend i{display:inline-block;width:10px;height:10px;border-radius:2px;margin-right:5px;vertical-align:-1px}
.mode{display:inline-flex;align-items:center;gap:8px;padding:4px 12px;border-radius:999px;font-weight:600;font-size:.88rem}
.mode.capture{background:var(--wait-bg);color:var(--wait)}.mode.relay{background:var(--ok-bg);color:var(--ok)}
.signin{min-height:100vh;display:flex;align-items:center;justify-content:center;padding:20px}
.signin .panel{width:100%;max-width:420px;padding:28px}
.signin input{width:100%}
.field-error{color:var(--err);font-size:.85rem;margin-top:4px}
.empty{padding:28px;text-align:center;color:var(--muted)}
.editor{display:grid;grid-template-columns:minmax(0,1fr) minmax(0,1fr);gap:16px}
@media (max-width:1100px){.editor{grid-template-columns:1fr}}
.stack{display:flex;flex-direction:column;gap:10px}
.live-dot{display:inline-block;width:8px;height:8px;border-radius:50%;background:#4caf6e;margin-right:6px}
.skip{position:absolute;left:-999px}.skip:focus{left:10px;top:10px;background:#fff;padding:6px;z-index:10}
`;
