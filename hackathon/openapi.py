"""What the OpenAPI document says of errors, for every operation (a drf-spectacular
postprocessing hook, so that a new endpoint is covered without a word).

- 400 wherever an operation takes query parameters: ``{parameter: [messages]}``, each message
  saying what the parameter accepts (hackathon/params.py);
- 404 wherever the path names something: ``{"detail": message}``;
- 429 where a view declares it (hackathon/ratelimits.py): ``{"detail": message}`` and a
  ``Retry-After`` header, the seconds until the client may try again.
"""

from drf_spectacular.utils import OpenApiResponse

BAD_PARAMETERS = OpenApiResponse(
    description="A parameter's value is not accepted: {parameter: [messages]}, each message "
    "saying what the parameter accepts."
)
TOO_MANY_REQUESTS = OpenApiResponse(
    description="Too many uncached list requests from this address (API_LISTS_PER_ADDRESS); "
    "try again after Retry-After seconds."
)


def not_found(description):
    return OpenApiResponse(description=description)


DETAIL = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}
PROBLEMS = {
    "type": "object",
    "additionalProperties": {"type": "array", "items": {"type": "string"}},
}
RETRY_AFTER = {
    "description": "Seconds until the client's window ends.",
    "schema": {"type": "integer", "minimum": 1},
    "required": True,
}


def _json(schema):
    return {"application/json": {"schema": schema}}


# What the URL converters let through (an edition's slug, any other text without a slash).
PATH_PATTERNS = {"slug": "^[-a-zA-Z0-9_]+$"}
ANY_SEGMENT = "^[^/]+$"


def document_errors(result, generator, request, public):
    """Every operation's 400, 404 and 429 responses with their bodies (see the module's text),
    and the pattern of each path parameter."""
    for path in result.get("paths", {}).values():
        for operation in path.values():
            for parameter in operation.get("parameters", []):
                if parameter["in"] == "path" and parameter["schema"].get("type") == "string":
                    pattern = PATH_PATTERNS.get(parameter["name"], ANY_SEGMENT)
                    parameter["schema"].setdefault("pattern", pattern)
            responses = operation.setdefault("responses", {})
            places = {parameter["in"] for parameter in operation.get("parameters", [])}
            if "query" in places:
                responses.setdefault("400", {"description": BAD_PARAMETERS.description})
            if "path" in places:
                responses.setdefault("404", {"description": "Nothing public has this name."})
            for status, schema in (("400", PROBLEMS), ("404", DETAIL), ("429", DETAIL)):
                if status in responses:
                    responses[status]["content"] = _json(schema)
            if "429" in responses:
                responses["429"]["headers"] = {"Retry-After": RETRY_AFTER}
    return result
