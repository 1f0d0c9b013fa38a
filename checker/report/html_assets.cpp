// The HTML report's style sheet and script, apart from the code that writes the page.
#include "report/html_assets.hpp"

namespace racelab {

// The page's only script: copy buttons take the command from the DOM text
// next to them, so no data is ever part of a script. The Content-Security-
// Policy admits this exact text by its hash and nothing else; after editing
// it, recompute kHtmlScriptHash:
//   printf '%s' "<script text>" | openssl dgst -sha256 -binary | base64
// (the HTML test in tests/render fails when the hash is stale: the script
// then never runs).
extern const std::string_view kHtmlScript =
    "(function(){"
    "var root=document.documentElement;root.setAttribute('data-js','ready');"
    "document.querySelectorAll('button.copy').forEach(function(b){"
    "b.addEventListener('click',function(){"
    "var code=b.parentNode.querySelector('code.cmd');"
    "var done=function(ok){b.textContent=ok?'Copied':'Press Ctrl+C';"
    "setTimeout(function(){b.textContent='Copy';},1500);};"
    "var select=function(){var r=document.createRange();r.selectNodeContents(code);"
    "var s=window.getSelection();s.removeAllRanges();s.addRange(r);var ok=false;"
    "try{ok=document.execCommand('copy');}catch(e){}done(ok);};"
    "if(navigator.clipboard&&window.isSecureContext){"
    "navigator.clipboard.writeText(code.textContent).then(function(){done(true);},select);"
    "}else{select();}"
    "});});})();";
extern const std::string_view kHtmlScriptHash =
    "sha256-huXYhHZCQQOl9pAT2EqWrfDSRXZ9wcbKo+3Nxf5SgZE=";

extern const std::string_view kHtmlStyle = R"css(
:root{--fg:#1f2328;--muted:#59636e;--border:#d1d9e0;--panel:#f6f8fa;--red:#cf222e;--green:#1a7f37;
--amber:#9a6700;--plain:#0969da;--tsan:#8250df;--path:#bc4c00;--mono:ui-monospace,"DejaVu Sans Mono",Menlo,Consolas,monospace}
*{box-sizing:border-box}
body{margin:0;color:var(--fg);background:#fff;font:14px/1.45 system-ui,-apple-system,"Segoe UI","DejaVu Sans",sans-serif}
main{max-width:1360px;margin:0 auto;padding:24px 32px 64px}
h1{font-size:26px;margin:0 0 4px}
h2{font-size:19px;margin:36px 0 12px;padding-bottom:6px;border-bottom:1px solid var(--border)}
h4{font-size:13px;margin:14px 0 0;text-transform:uppercase;letter-spacing:.04em;color:var(--muted)}
h3{font-size:16px;margin:0 0 10px;display:flex;gap:10px;align-items:center;flex-wrap:wrap}
code,pre,.code{font-family:var(--mono);font-size:12.5px}
.muted{color:var(--muted)}
.meta{color:var(--muted);margin:0 0 12px}
.badge{display:inline-block;padding:3px 12px;border-radius:999px;font-weight:600;font-size:13px}
.badge.bad{background:#ffebe9;color:var(--red)}
.badge.good{background:#dafbe1;color:var(--green)}
.badge.warn{background:#fff8c5;color:var(--amber)}
.banner{background:#fff8c5;border:1px solid #d4a72c;border-radius:6px;padding:8px 12px;margin:12px 0}
.pill{display:inline-block;padding:0 8px;border-radius:999px;font-size:12px;font-weight:600;color:#fff}
.pill.plain{background:var(--plain)}.pill.tsan{background:var(--tsan)}.pill.path{background:var(--path)}
.tablewrap{overflow-x:auto;border:1px solid var(--border);border-radius:8px}
table.summary{border-collapse:collapse;width:100%;font-variant-numeric:tabular-nums}
table.summary th,table.summary td{padding:3px 8px;border-bottom:1px solid var(--border);text-align:right;white-space:nowrap}
table.summary thead th{background:var(--panel);font-weight:600;vertical-align:bottom}
table.summary th.clshead{writing-mode:vertical-rl;transform:rotate(180deg);text-align:left;padding:8px 4px;font-weight:500;min-width:58px}
table.summary td.id,table.summary th.id,table.summary td.build,table.summary th.build{text-align:left}
table.summary td.id{font-weight:600;vertical-align:top;white-space:normal;word-break:break-all;max-width:200px}
table.summary td.id a{color:inherit;text-decoration:none}
table.summary td.id a:hover{text-decoration:underline}
table.summary tbody tr.first td{border-top:2px solid var(--border)}
table.summary td .ci{display:block;font-size:10.5px;line-height:1.2;color:var(--muted)}
table.summary td.zero{color:#afb8c1}
table.summary td.rate .v{font-weight:600}
td.ok .v{color:var(--green)}
.charts{display:grid;grid-template-columns:repeat(auto-fill,minmax(400px,1fr));gap:16px}
figure.card{margin:0;border:1px solid var(--border);border-radius:8px;padding:12px 14px}
figure.card figcaption{font-weight:600;margin-bottom:6px;display:flex;gap:8px;align-items:center}
svg.chart{display:block;width:100%;height:auto}
svg.chart text{font:12px system-ui,"DejaVu Sans",sans-serif;fill:var(--fg)}
svg.chart text.lbl.ok{fill:var(--green)}
svg.chart text.val{fill:var(--muted)}
svg.chart .track{fill:#eef1f4}
svg.chart .plain{fill:var(--plain)}svg.chart .tsan{fill:var(--tsan)}svg.chart .path{fill:var(--path)}
svg.chart line.ci{stroke:#1f2328;stroke-width:1}
section.target{border:1px solid var(--border);border-radius:8px;padding:14px 16px;margin:0 0 18px}
.example,.sanitizer{border-top:1px solid var(--border);padding:12px 0 4px}
.exhead{display:flex;gap:8px;flex-wrap:wrap;align-items:baseline;margin-bottom:8px}
.cls{font-family:var(--mono);font-size:12px;padding:1px 7px;border-radius:4px;background:#ffebe9;color:var(--red);font-weight:600}
.cls.expected{background:#fff8c5;color:var(--amber)}
.replay{display:flex;align-items:stretch;gap:0;margin:6px 0 10px;max-width:100%}
.replay code.cmd{flex:1;background:#1f2328;color:#f0f3f6;padding:7px 10px;border-radius:6px 0 0 6px;overflow-x:auto;white-space:pre}
.replay button.copy{border:1px solid #1f2328;background:#f6f8fa;border-radius:0 6px 6px 0;padding:0 14px;cursor:pointer;font-weight:600}
html:not([data-js]) button.copy{display:none}
html:not([data-js]) .replay code.cmd{border-radius:6px}
table.diff,table.source{border-collapse:collapse;width:100%;table-layout:fixed;border:1px solid var(--border);border-radius:6px}
table.diff th{background:var(--panel);text-align:left;padding:4px 8px;font-weight:600;border-bottom:1px solid var(--border)}
table.diff td,table.source td{padding:1px 8px;vertical-align:top;white-space:pre-wrap;word-break:break-all}
td.ln{width:56px;text-align:right;color:var(--muted);user-select:none;font-family:var(--mono);font-size:12px}
table.diff td.ln.a{border-left:1px solid var(--border)}
table.diff tr.same td.code{color:var(--muted)}
table.diff td.exp.diff{background:#e6ffec}
table.diff td.act.diff{background:#ffebe9}
table.diff tr.first td.ln{font-weight:700;color:var(--fg)}
table.diff mark{background:none;color:inherit;font-weight:700;border-radius:2px}
table.diff td.exp.diff mark{background:#abf2bc}
table.diff td.act.diff mark{background:#ffc1c0}
.gap{color:var(--muted);font-style:italic}
.clip{color:var(--muted);font-style:italic}
table.source tr.hit td{background:#fff8c5;font-weight:600}
details{margin:8px 0}
details summary{cursor:pointer;color:var(--muted)}
pre.report{background:var(--panel);border:1px solid var(--border);border-radius:6px;padding:8px 10px;overflow-x:auto;max-height:420px}
ul.notes{margin:6px 0;padding-left:20px;color:var(--amber)}
footer{margin-top:40px;color:var(--muted);font-size:12px}
)css";

}  // namespace racelab
