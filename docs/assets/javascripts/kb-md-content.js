// Material's partials/javascripts/content.html (9.8.1), run from this file instead of inline so
// that the site's Content-Security-Policy needs no 'unsafe-inline'.
var target=document.getElementById(location.hash.slice(1));target&&target.name&&(target.checked=target.name.startsWith("__tabbed_"))
