// Shadow styles of <linesman-assist>. The host resets itself (`all: initial`)
// and `display: block !important` wins over a page's `* { display: none
// !important }`: for important declarations the encapsulated (shadow) context
// beats the outer one. `.root` resets again so nothing the page sets on the
// host (font, colour, line-height…) is inherited inside; the host's own
// visibility is pinned like its display (hide it with the hidden attribute).
// Nothing here can
// match page elements. Severity and state are also spelled out in text and
// icons, so colour is never the only signal.

export const CSS = `
:host{all:initial;display:block!important;visibility:visible!important;box-sizing:border-box;min-width:0;max-width:100%}
:host([hidden]){display:none!important}
*,*::before,*::after{box-sizing:border-box}
.root{all:initial;display:block;box-sizing:border-box;min-width:0;
 font:14px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"PingFang SC","Hiragino Sans GB","Microsoft YaHei","Noto Sans CJK SC","Noto Sans SC",sans-serif;
 color:#1f2328;background:#fff;border:1px solid #d0d7de;border-radius:8px;padding:8px 10px;
 overflow-wrap:anywhere;word-break:normal;text-align:start;-webkit-text-size-adjust:100%}
.root:lang(zh-TW){font-family:system-ui,-apple-system,"Segoe UI",Roboto,"PingFang TC","Microsoft JhengHei","Noto Sans CJK TC","Noto Sans TC",sans-serif}
[hidden]{display:none!important}
header{display:flex;flex-wrap:wrap;align-items:baseline;gap:2px 8px;margin:0 0 4px}
.title{font-weight:700;font-size:14px}
.meta,.sub{color:#59636e;font-size:12px}
h2{all:unset;display:block;font-size:12px;font-weight:700;color:#424a53;margin:0 0 4px}
section{display:block;margin:0;padding:8px 0 6px;border-top:1px solid #e6e9ed}
ul,ol{list-style:none;margin:0;padding:0}
li{margin:0;padding:0}
p{margin:0}
.empty{color:#59636e;font-size:12px}
button{font:inherit;font-size:12px;line-height:1.2;min-height:28px;min-width:44px;padding:4px 10px;margin:0;
 border:1px solid #818b98;border-radius:6px;background:#f6f8fa;color:#1f2328;cursor:pointer;text-transform:none}
button:hover{background:#e6eaef}
button:active{background:#d8dee4}
:focus{outline:none}
:focus-visible{outline:2px solid #0969da!important;outline-offset:2px}
.alert{border:1px solid #cf222e;background:#fff5f5;color:#82071e;border-radius:6px;padding:6px 8px;margin:4px 0}
.alert strong{display:block}
.alert code{font:12px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;background:#ffe3e3;padding:0 3px;border-radius:3px}
.alert li{margin-top:2px}
.check li{display:flex;flex-wrap:wrap;align-items:baseline;gap:0 6px;padding:2px 0}
.check .ico{flex:none;width:1.3em;text-align:center;font-weight:700}
.check .lab{flex:1 1 8em;min-width:0}
.check .st{font-size:12px;color:#424a53}
.check .st b{font-weight:600}
.check [data-state=met] .ico{color:#1a7f37}
.check [data-state=late] .ico,.check [data-state=due] .ico{color:#9a6700}
.check [data-state=due]{background:#fff8c5;border-radius:4px}
.check [data-state=missed] .ico,.check [data-state=missed] .st{color:#cf222e}
.check [data-state=inactive]{color:#59636e}
.emo{display:flex;flex-wrap:wrap;align-items:center;gap:4px 10px}
.emo .now{font-weight:700;font-size:16px}
.dots{display:inline-flex;gap:2px}
.dots i{display:inline-block;width:8px;height:8px;border-radius:50%;border:1px solid #59636e}
.dots i.on{background:#59636e}
.neg .dots i.on{background:#cf222e;border-color:#cf222e}
.spark{display:block;width:100%;height:40px;margin-top:4px;color:#0969da}
.spark .zero{stroke:#d0d7de;stroke-dasharray:3 3}
.card{border:1px solid #e6e9ed;border-radius:6px;padding:6px 8px;margin:0 0 6px}
.card .sub{margin:0 0 2px}
.opt{display:flex;flex-wrap:wrap;align-items:flex-start;gap:4px 8px;padding:4px 0;border-top:1px dashed #e6e9ed}
.opt:first-of-type{border-top:0}
.opt p{flex:1 1 14em;min-width:0}
.acts{display:flex;flex-wrap:wrap;gap:6px;flex:none}
.sev{display:inline-block;font-size:11px;font-weight:700;border-radius:10px;padding:0 7px;border:1px solid currentColor;margin-inline-end:6px;white-space:nowrap}
.sev-high{color:#a40e26;background:#ffebe9}
.sev-medium{color:#7d4e00;background:#fff8c5}
.sev-low{color:#424a53;background:#f6f8fa}
blockquote{margin:4px 0 0;padding:2px 8px;border-inline-start:3px solid #d0d7de;color:#424a53;font-size:13px}
mark{background:#ffd7b5;color:#3b0a00;text-decoration:underline wavy #cf222e;text-underline-offset:3px;border-radius:2px;padding:0 1px}
.draft{background:#fff5f0;border:1px solid #f0b090;border-radius:6px;padding:6px 8px;margin-top:4px}
.draft .text{font-size:15px;margin:2px 0 6px;white-space:pre-wrap}
.sr{position:absolute;width:1px;height:1px;margin:-1px;padding:0;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap;border:0}
@media (prefers-reduced-motion:no-preference){button{transition:background-color .1s}}
`;
