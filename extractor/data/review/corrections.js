// The correction loop: accept, reject or reassign an indicator row, assign an indicator to a quantity no
// indicator took; export the decisions as gold JSON (spec/annotation.md) or save them (extractor serve).
(function(){
"use strict";
var DATA = JSON.parse(document.getElementById("extractor-data").textContent);
var ITEMS = DATA.items, GOLD = DATA.gold || {};
var body = document.getElementById("correct-body"), list = document.getElementById("clist");
var bExport = document.getElementById("cexport"), bSave = document.getElementById("csave");
var status = document.getElementById("cstatus");
var NAMES = {};
var dl = document.getElementById("ind-ids");
(DATA.catalogue || []).forEach(function(c){
  NAMES[c[0]] = c[1];
  var o = document.createElement("option"); o.value = c[0]; o.label = c[1] + (c[2] ? " (" + c[2] + ")" : ""); dl.appendChild(o);
});
var decisions = {}, order = [], selected = null;
function el(tag, cls, txt){var e=document.createElement(tag); if(cls) e.className=cls; if(txt!=null) e.textContent=txt; return e;}
function fmt(it){var v=String(it.value); if(it.max!=null) v+="–"+it.max; return v+" "+(it.unit||"");}
function set(key, action, indicator){
  var it = ITEMS[key];
  if(!it) return false;
  if((action==="reassign"||action==="assign") && !(indicator && NAMES[indicator])){
    say("unknown indicator id: " + (indicator||"(empty)"), true); return false;
  }
  if(!decisions[key]) order.push(key);
  decisions[key] = {key:key, action:action, indicator: action==="reject" ? null : (action==="accept" ? it.indicator : indicator),
                    was: it._kind==="indicator" ? (it.indicator||null) : null, start: it.start, end: it.end};
  mark(key); refresh(); say(""); return true;
}
function undo(key){ delete decisions[key]; order = order.filter(function(k){return k!==key;}); mark(key); refresh(); }
function mark(key){
  var d = decisions[key];
  document.querySelectorAll('[data-k="'+key+'"]').forEach(function(e){
    ["c-accept","c-reject","c-reassign","c-assign"].forEach(function(c){e.classList.remove(c);});
    if(d) e.classList.add("c-"+d.action);
  });
}
function say(msg, bad){ status.textContent = msg; status.className = bad ? "bad" : ""; }
function refresh(){
  list.textContent = "";
  order.forEach(function(key){
    var d = decisions[key], it = ITEMS[key], li = el("li", "c-"+d.action);
    li.setAttribute("data-k", key);
    var what = it._kind==="indicator" ? (it.name_zh || it.indicator) : it.text;
    var txt = d.action + " · " + what + " · " + fmt(it);
    if(d.action==="reassign"||d.action==="assign") txt += " → " + d.indicator + (NAMES[d.indicator] ? " " + NAMES[d.indicator] : "");
    li.appendChild(el("span", null, txt));
    var x = el("button", "cundo", "×"); x.type="button"; x.title="undo"; x.addEventListener("click", function(){undo(key);});
    li.appendChild(x); list.appendChild(li);
  });
  bExport.disabled = !order.length; bSave.disabled = !order.length;
  if(selected) show(selected);
}
function show(key){
  selected = key; var it = ITEMS[key]; body.textContent = "";
  if(!it) return;
  body.appendChild(el("div", "ctitle", (it._kind==="indicator" ? (it.name_zh||"") + " " + (it.indicator||"") : "quantity " + it.text) + " · " + fmt(it)));
  var d = decisions[key];
  if(d) body.appendChild(el("div", "cnow", "decided: " + d.action + (d.indicator && d.action!=="accept" ? " → " + d.indicator : "")));
  var row = el("div", "crow");
  var input = el("input"); input.type="text"; input.setAttribute("list","ind-ids"); input.id="cind";
  input.placeholder = "indicator id"; input.setAttribute("aria-label","indicator id");
  function btn(label, id, fn){ var b = el("button", null, label); b.type="button"; b.id=id; b.addEventListener("click", fn); row.appendChild(b); return b; }
  if(it._kind==="indicator"){
    btn("Accept", "caccept", function(){ set(key, "accept"); });
    btn("Reject", "creject", function(){ set(key, "reject"); });
    row.appendChild(input);
    btn("Reassign", "creassign", function(){ set(key, "reassign", input.value.trim()); });
  } else if(it._free){
    row.appendChild(input);
    btn("Assign", "cassign", function(){ set(key, "assign", input.value.trim()); });
  } else {
    body.appendChild(el("p", "empty", "An indicator took this quantity (" + (it.indicator||"") + "): correct its row."));
  }
  if(d) btn("Undo", "cundo1", function(){ undo(key); });
  body.appendChild(row);
  if(!it._located) body.appendChild(el("p", "warn", "not located in the text: it cannot be exported as gold"));
}
function pick(node){
  var q = null, ind = null;
  for(var n = node; n && n.id !== "text"; n = n.parentElement){
    var k = n.getAttribute && n.getAttribute("data-k");
    if(!k || !ITEMS[k]) continue;
    if(k[0]==="q" && !q) q = k;
    if(k[0]==="i" && !ind) ind = k;
  }
  if(q && ITEMS[q]._free) return q;
  return ind || q;
}
document.querySelectorAll("#itable tr.irow").forEach(function(r){ r.addEventListener("click", function(){ show(r.getAttribute("data-k")); }); });
document.getElementById("text").addEventListener("click", function(ev){ var k = pick(ev.target); if(k) show(k); });
var PERIODS = {actual:1, stock:1, cumulative:1, target:1}, KINDS = {count:1, rate:1, amount:1, change:1},
    QUALS = {exact:1, approx:1, lower:1, upper:1};
function period(p){ p = String(p||""); return PERIODS[p] ? p : (p.indexOf("target")>=0 ? "target" : "actual"); }
function qrow(q, indicator){
  var r = {text: q.text, before: q._before || "", value: q.value, unit: q.unit || "",
           qualifier: QUALS[q.qualifier] ? q.qualifier : (q.max!=null ? "lower" : "exact"),
           kind: KINDS[q.kind] ? q.kind : "count", subject: q.subject || "", indicator: indicator || null,
           period: period(q.period), start: q.start};
  if(q.max!=null) r.max = q.max;
  return r;
}
function build(){
  var g = {doc: GOLD.doc, doc_id: GOLD.doc_id, genre: GOLD.genre||null, region: GOLD.region||null,
           province: GOLD.province||null, year: GOLD.year||null, partial: true,
           quantities: [], indicators_extra: [], corrections: []};
  var used = {};
  order.forEach(function(key){
    var d = decisions[key], it = ITEMS[key];
    g.corrections.push(d);
    if(!it._located) return;
    if(it._kind==="quantity"){
      if(!used[key]){ used[key] = 1; g.quantities.push(qrow(it, d.indicator)); }
      return;
    }
    var qk = (typeof it.quantity==="number") ? "q"+it.quantity : null, q = qk && ITEMS[qk];
    if(q && q._located){
      if(!used[qk]){ used[qk] = 1; g.quantities.push(qrow(q, d.indicator)); }
      else if(d.indicator) g.indicators_extra.push({indicator: d.indicator, value: it.value, unit: it.unit||"",
                                                    text: q.text, before: q._before||"", start: q.start});
    } else if(d.indicator){
      g.indicators_extra.push({indicator: d.indicator, value: it.value, unit: it.unit||"", text: it.evidence,
                               before: it._before||"", start: it.start});
    }
  });
  return g;
}
window.extractorCorrections = {build: build, set: set, show: show};
bExport.addEventListener("click", function(){
  var g = build(), blob = new Blob([JSON.stringify(g, null, 1)], {type: "application/json"});
  var a = document.createElement("a"); a.href = URL.createObjectURL(blob);
  a.download = (GOLD.doc_id || "corrections") + ".json"; document.body.appendChild(a); a.click();
  setTimeout(function(){ URL.revokeObjectURL(a.href); a.remove(); }, 1000);
  say("exported " + g.quantities.length + " quantity row(s), " + g.indicators_extra.length + " extra row(s)");
});
if(DATA.saveUrl){
  bSave.hidden = false;
  bSave.addEventListener("click", function(){
    say("saving…");
    fetch(DATA.saveUrl, {method: "POST", headers: {"Content-Type": "application/json"}, body: JSON.stringify(build())})
      .then(function(r){ return r.json().then(function(j){ return [r.ok, j]; }); })
      .then(function(x){ if(x[0]) say("saved " + x[1].rows + " row(s) to " + x[1].path); else say("not saved: " + x[1].error, true); })
      .catch(function(e){ say("not saved: " + e, true); });
  });
}
(DATA.saved || []).forEach(function(d){
  var it = ITEMS[d.key];
  if(!it || it.start !== d.start || it.end !== d.end || !d.action) return;
  decisions[d.key] = d; order.push(d.key); mark(d.key);
});
refresh();
var r0 = document.querySelector("#itable tr.irow.active"); if(r0) show(r0.getAttribute("data-k"));
})();
