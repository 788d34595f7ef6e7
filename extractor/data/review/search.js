// Find in text (CSS Custom Highlight API: the text and its highlight elements stay untouched) and page markers.
(function(){
"use strict";
var textEl = document.getElementById("text"), docEl = document.getElementById("doc");
var box = document.getElementById("tsearch"), count = document.getElementById("tcount");
var DATA = JSON.parse(document.getElementById("extractor-data").textContent);
var nodes = null, ranges = [], cur = -1;
var HL = (typeof CSS !== "undefined" && CSS.highlights && typeof Highlight !== "undefined");
function index(){
  // every text node of the pane with its offset in the concatenated text
  nodes = []; var off = 0, w = document.createTreeWalker(textEl, NodeFilter.SHOW_TEXT), n;
  while((n = w.nextNode())){ nodes.push([n, off]); off += n.data.length; }
  nodes.text = nodes.map(function(x){return x[0].data;}).join("");
}
function at(off){ // (node, offset) of a character offset, by binary search
  var lo = 0, hi = nodes.length - 1;
  while(lo < hi){ var mid = (lo + hi + 1) >> 1; if(nodes[mid][1] <= off) lo = mid; else hi = mid - 1; }
  return [nodes[lo][0], off - nodes[lo][1]];
}
function run(){
  if(!nodes) index();
  var q = box.value; ranges = []; cur = -1;
  if(q.length){
    var t = nodes.text, i = t.indexOf(q);
    while(i >= 0 && ranges.length < 5000){
      var a = at(i), b = at(i + q.length - 1), r = document.createRange();
      r.setStart(a[0], a[1]); r.setEnd(b[0], b[1] + 1); ranges.push(r);
      i = t.indexOf(q, i + q.length);
    }
  }
  if(HL){ CSS.highlights.set("find", new Highlight(...ranges)); CSS.highlights.delete("find-current"); }
  count.textContent = q.length ? (ranges.length ? "0/" + ranges.length : "no match") : "";
  if(ranges.length) go(0);
}
function go(k){
  if(!ranges.length) return;
  cur = (k + ranges.length) % ranges.length;
  var r = ranges[cur];
  if(HL) CSS.highlights.set("find-current", new Highlight(r));
  var rect = r.getBoundingClientRect(), pane = docEl.getBoundingClientRect();
  docEl.scrollTop += rect.top - pane.top - pane.height / 2;
  count.textContent = (cur + 1) + "/" + ranges.length;
  textEl.setAttribute("data-find", String(cur));
}
if(box){
  var timer = null;
  box.addEventListener("input", function(){ clearTimeout(timer); timer = setTimeout(run, 150); });
  box.addEventListener("keydown", function(e){ if(e.key === "Enter"){ e.preventDefault(); clearTimeout(timer);
    if(!ranges.length || box.value !== box._last) { box._last = box.value; run(); } else go(cur + (e.shiftKey ? -1 : 1)); } });
  document.getElementById("tnext").addEventListener("click", function(){ if(!ranges.length) run(); else go(cur + 1); });
  document.getElementById("tprev").addEventListener("click", function(){ if(!ranges.length) run(); else go(cur - 1); });
}
// #ev=…: the evidence's whole sentence is shaded too (where the batch recorded its sentence)
var ev = /ev=(\d+)-(\d+)/.exec(location.hash);
if(ev && HL){
  Object.keys(DATA.items).forEach(function(k){
    var it = DATA.items[k];
    if(it._kind !== "indicator" || it.start !== +ev[1] || it.end !== +ev[2]) return;
    if(typeof it.sentence_start !== "number" || !(it.sentence_end > it.sentence_start)) return;
    if(!nodes) index();
    var a = at(it.sentence_start), b = at(it.sentence_end - 1), r = document.createRange();
    r.setStart(a[0], a[1]); r.setEnd(b[0], b[1] + 1);
    CSS.highlights.set("sentence", new Highlight(r));
    textEl.setAttribute("data-sentence", it.sentence_start + "-" + it.sentence_end);
  });
}
var pages = document.getElementById("pages");
if(pages && DATA.pages > 1){
  var lab = document.createElement("span"); lab.className = "plab"; lab.textContent = DATA.pages + " pages: ";
  pages.appendChild(lab);
  for(var p = 1; p <= DATA.pages; p++){
    var m = document.getElementById("page-" + p); if(!m) continue;
    var a = document.createElement("a"); a.href = "#page-" + p; a.textContent = p; a.className = "plink";
    a.addEventListener("click", (function(mk){ return function(e){ e.preventDefault(); mk.scrollIntoView({block: "start"}); }; })(m));
    pages.appendChild(a);
  }
}
})();
