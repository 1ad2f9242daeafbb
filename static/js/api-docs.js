// /api/docs/: Swagger UI on the API's OpenAPI schema, whose address the page gives
// (templates/hackathon/api_docs.html). A file of its own: the Content-Security-Policy forbids
// inline scripts.
"use strict";

const container = document.getElementById("swagger-ui");
window.ui = SwaggerUIBundle({
  url: container.dataset.schemaUrl,
  domNode: container,
  presets: [SwaggerUIBundle.presets.apis],
  layout: "BaseLayout",
  deepLinking: true,
  // No badge from the online validator: it is another site.
  validatorUrl: null,
});
