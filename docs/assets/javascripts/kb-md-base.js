// Material's partials/javascripts/base.html (9.8.1), run from this file instead of inline so that
// the site's Content-Security-Policy needs no 'unsafe-inline'. The scope is the site root: this
// file's own address two folders up (assets/javascripts/), which is what Material computes from
// base_url on every page (also under file:// and for the error pages).
__md_scope=new URL("../../",document.currentScript.src),__md_hash=e=>[...e].reduce(((e,_)=>(e<<5)-e+_.charCodeAt(0)),0),__md_get=(e,_=localStorage,t=__md_scope)=>JSON.parse(_.getItem(t.pathname+"."+e)),__md_set=(e,_,t=localStorage,a=__md_scope)=>{try{t.setItem(a.pathname+"."+e,JSON.stringify(_))}catch(e){}}
