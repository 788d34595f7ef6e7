// The explorer's only script: filter selects submit their form on change.
document.querySelectorAll("[data-autosubmit]").forEach(function(el){
  el.addEventListener("change", function(){ if(el.form) el.form.submit(); });
});
