(function(){
"use strict";
var DATA = JSON.parse(document.getElementById("extractor-data").textContent);
var ITEMS = DATA.items;
var SELFTEST = /selftest/.test(location.hash+location.search);
var tip = document.getElementById("tip");
var detail = document.getElementById("detail-body");
var textEl = document.getElementById("text");
var docEl = document.getElementById("doc");
var FIELDS = {
  quantity: ["text","value","max","unit","unit_text","qualifier","kind","period","subject","indicator","section","page"],
  indicator: ["indicator","name_zh","value","unit","qualifier","period","year","confidence","method","evidence","section","page","note"],
  measure: ["text","name","type","category","part","section","page"],
  section: ["id","number","title","part","category","level","page"]
};
function el(tag, cls, txt){var e=document.createElement(tag); if(cls) e.className=cls; if(txt!=null) e.textContent=txt; return e;}
function headline(it){
  var k = it._kind;
  if(k==="quantity"||k==="indicator"){var v=String(it.value); if(it.max!=null) v+="–"+it.max; return v+" "+(it.unit||"");}
  if(k==="measure") return it.name||it.type||"";
  return (it.number||"")+(it.title||"");
}
function card(it){
  var c = el("div","card k-"+it._kind);
  var t = it._kind; if(t==="indicator" && it.name_zh) t+=" · "+it.name_zh;
  if(t==="quantity" && it._free) t+=" · not used by an indicator";
  c.appendChild(el("div","kt",t));
  c.appendChild(el("div","big",headline(it)));
  var dl = el("dl");
  (FIELDS[it._kind]||[]).forEach(function(f){
    var v = it[f]; if(v===null||v===undefined||v==="") return;
    if(f==="confidence" && typeof v==="number") v=v.toFixed(2);
    dl.appendChild(el("dt",null,f)); dl.appendChild(el("dd",null,String(v)));
  });
  if(it._mismatch){dl.appendChild(el("dt",null,"warning")); dl.appendChild(el("dd",null,"text[start:end] differs from the item's text"));}
  c.appendChild(dl);
  return c;
}
function itemsAt(node){
  var out=[], seen={};
  for(var n=node; n && n!==textEl; n=n.parentElement){
    var k = n.getAttribute && n.getAttribute("data-k");
    if(k && !seen[k] && ITEMS[k]){seen[k]=1; out.push(ITEMS[k]);}
  }
  return out;
}
function fragments(key){return document.querySelectorAll('#text [data-k="'+key+'"]:not(.hd)');}
var current = [];
function clearActive(){current.forEach(function(e){e.classList.remove("active");}); current=[];
  document.querySelectorAll("#itable tr.active").forEach(function(r){r.classList.remove("active");});}
function activate(key, scroll){
  clearActive();
  var fr = fragments(key);
  fr.forEach(function(e){
    if(e.classList.contains("sec")){ var h=e.querySelector('.hd[data-k="'+key+'"]'); if(h){h.classList.add("active"); current.push(h);} }
    else { e.classList.add("active"); current.push(e); }
  });
  var row = document.querySelector('#itable tr[data-k="'+key+'"]'); if(row) row.classList.add("active");
  if(scroll && fr.length){ fr[0].scrollIntoView({block:"center", behavior: scroll==="smooth"?"smooth":"auto"});
    fr.forEach(function(e){e.classList.remove("flash"); void e.offsetWidth; e.classList.add("flash");}); }
  showDetails([ITEMS[key]]);
  return fr;
}
function showDetails(list){
  detail.textContent="";
  if(!list.length){detail.appendChild(el("p","empty","Hover or click a highlight.")); return;}
  list.forEach(function(it){detail.appendChild(card(it));});
}
textEl.addEventListener("mousemove", function(ev){
  var its = itemsAt(ev.target).filter(function(it){return it._kind!=="section";});
  if(!its.length){tip.hidden=true; return;}
  tip.textContent="";
  its.reverse().forEach(function(it){tip.appendChild(card(it));});
  tip.hidden=false;
  var x=Math.min(ev.clientX+14, window.innerWidth-370), y=ev.clientY+16;
  if(y+tip.offsetHeight>window.innerHeight) y=Math.max(4, ev.clientY-tip.offsetHeight-10);
  tip.style.left=x+"px"; tip.style.top=y+"px";
});
textEl.addEventListener("mouseleave", function(){tip.hidden=true;});
textEl.addEventListener("click", function(ev){
  var its = itemsAt(ev.target);
  if(!its.length) return;
  clearActive();
  var inner = its[0];
  var key = (inner._kind==="section"?"s":inner._kind[0])+inner._idx;
  fragments(key).forEach(function(e){ if(!e.classList.contains("sec")){e.classList.add("active"); current.push(e);} });
  its.forEach(function(it){
    if(it._kind!=="indicator") return;
    var row = document.querySelector('#itable tr[data-k="i'+it._idx+'"]');
    if(row){ row.classList.add("active"); row.scrollIntoView({block:"nearest"}); }
  });
  showDetails(its.slice().reverse());
});
var search = document.getElementById("isearch");
if(search) search.addEventListener("input", function(){
  var q = search.value.trim().toLowerCase();
  document.querySelectorAll("#itable tr.irow").forEach(function(r){
    r.classList.toggle("hidden", q!=="" && r.textContent.toLowerCase().indexOf(q)<0);
  });
});
function bindRows(sel){
  document.querySelectorAll(sel).forEach(function(r){
    var go=function(){activate(r.getAttribute("data-k"), SELFTEST ? "auto" : "smooth");};
    r.addEventListener("click", go);
    r.addEventListener("keydown", function(e){if(e.key==="Enter"||e.key===" "){e.preventDefault(); go();}});
  });
}
bindRows("#itable tr.irow"); bindRows("#outline li");
document.querySelectorAll("#filters input").forEach(function(cb){
  cb.addEventListener("change", function(){
    var f=cb.getAttribute("data-filter");
    if(f==="free") document.body.classList.toggle("only-free", cb.checked);
    else document.body.classList.toggle("hide-"+f, !cb.checked);
  });
});
if(DATA.problems.length){
  var note = el("div","card"); note.appendChild(el("div","kt","spans not shown as given"));
  var dl = el("dl"); DATA.problems.slice(0,50).forEach(function(p){dl.appendChild(el("dt",null,p.key)); dl.appendChild(el("dd",null,p.problem+" ["+p.start+", "+p.end+")"));});
  note.appendChild(dl); detail.appendChild(note);
}
// -- self test (open the page with #selftest): checks written into <pre id="selftest-result">
function selftest(){
  var res = {ok:true, kinds:{}, mismatched:[], click:null, scripts:document.scripts.length, pwned:!!window.__pwned};
  ["section","measure","indicator","quantity"].forEach(function(kind){
    var want=0, shown=0;
    Object.keys(ITEMS).forEach(function(key){
      var it=ITEMS[key]; if(it._kind!==kind || !it._located) return;
      want++;
      var fr = fragments(key); if(!fr.length) return;
      shown++;
      var got = Array.prototype.map.call(fr, function(e){return e.textContent;}).join("");
      var exp = kind==="indicator" ? it.evidence : (kind==="section" ? null : it.text);
      if(kind==="section"){ if(got.length!==it.end-it.start) res.mismatched.push(key); }
      else if(!it._mismatch && got!==exp) res.mismatched.push(key);
    });
    res.kinds[kind]={located:want, highlighted:shown};
    if(want!==shown) res.ok=false;
  });
  if(res.mismatched.length) res.ok=false;
  var rows = document.querySelectorAll("#itable tr.irow:not(.unlocated)");
  if(rows.length){
    var row = rows[rows.length-1], key=row.getAttribute("data-k");
    docEl.scrollTop = 0;
    row.click();
    var fr = fragments(key), box = docEl.getBoundingClientRect(), r = fr.length ? fr[0].getBoundingClientRect() : null;
    res.click = {key:key, fragments:fr.length, active: fr.length>0 && fr[0].classList.contains("active"),
                 visible: !!r && r.bottom>box.top && r.top<box.bottom, details: detail.textContent.indexOf(ITEMS[key].indicator)>=0};
    if(!(res.click.active && res.click.visible && res.click.details)) res.ok=false;
    clearActive();
    fr[0].click();  // and back: a click on the evidence marks its row
    res.textClick = {rowActive: row.classList.contains("active")};
    var id = ITEMS[key].indicator;
    search.value = id; search.dispatchEvent(new Event("input"));
    var shown = document.querySelectorAll("#itable tr.irow:not(.hidden)");
    res.search = {query:id, shown:shown.length,
                  allMatch: Array.prototype.every.call(shown, function(r){return r.textContent.indexOf(id)>=0;})};
    search.value = ""; search.dispatchEvent(new Event("input"));
    res.search.restored = document.querySelectorAll("#itable tr.irow.hidden").length===0;
    if(!(res.textClick.rowActive && res.search.shown>=1 && res.search.allMatch && res.search.restored)) res.ok=false;
  }
  var q = document.querySelector("#text mark.qt");
  if(q){
    var r2 = q.getBoundingClientRect();
    q.dispatchEvent(new MouseEvent("mousemove", {bubbles:true, clientX:r2.left+2, clientY:r2.top+2}));
    var it = ITEMS[q.getAttribute("data-k")];
    res.hover = {shown: !tip.hidden, value: tip.textContent.indexOf(String(it.value))>=0 && tip.textContent.indexOf(it.unit||"")>=0};
    tip.hidden = true;
    var cb = document.querySelector('#filters input[data-filter="quantity"]');
    var before = getComputedStyle(q).backgroundColor;
    cb.click();
    var after = getComputedStyle(q).backgroundColor;
    cb.click();
    res.filter = {before:before, after:after, restored:getComputedStyle(q).backgroundColor===before};
    if(!(res.hover.shown && res.hover.value && before!==after && res.filter.restored)) res.ok=false;
  }
  if(res.pwned) res.ok=false;
  var out = document.getElementById("selftest-result");
  out.textContent = JSON.stringify(res);
  out.hidden = false;
}
if(SELFTEST) selftest();
else {
  var m = /show=([a-z]\d+)/.exec(location.hash), key = m ? m[1] : null;
  // #ev=START-END-INDICATOR: the indicator row with these offsets (the explorer's links to evidence)
  var ev = /ev=(\d+)-(\d+)(?:-([^&]+))?/.exec(location.hash);
  if(ev) key = Object.keys(ITEMS).filter(function(k){ var it = ITEMS[k];
    return it._kind==="indicator" && it.start===+ev[1] && it.end===+ev[2] && (!ev[3] || it.indicator===decodeURIComponent(ev[3])); })[0] || null;
  if(key && ITEMS[key]) activate(key, "auto");
}
// tables drawn as tables: a highlighted cell shows its quantity in the text
(function(){var tb=document.getElementById("tables"); if(!tb) return;
  tb.addEventListener("click", function(e){var m=e.target.closest && e.target.closest("mark[data-k]");
    if(m) activate(m.getAttribute("data-k"), "smooth");});})();
})();
