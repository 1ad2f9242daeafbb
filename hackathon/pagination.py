"""The API's pages (``?limit=&offset=``), read with bounds: a value out of them is a 400 that names
the parameter and its bounds (hackathon/params.py), never a silent default nor a database error
(an offset beyond a bigint overflows PostgreSQL)."""

from drf_spectacular.utils import OpenApiParameter
from rest_framework.pagination import LimitOffsetPagination

from hackathon.params import whole_number

# Far beyond any list, and within what every database's integers hold.
MAX_OFFSET = 10**9


def window_parameters(what, max_limit, default_limit=None, min_limit=1):
    """The OpenAPI ``limit`` and ``offset`` parameters, with their bounds."""
    default = f"{default_limit} by default, " if default_limit else ""
    return [
        OpenApiParameter(
            "limit",
            {"type": "integer", "minimum": min_limit, "maximum": max_limit},
            OpenApiParameter.QUERY,
            description=f"{what} per page: {default}at most {max_limit}.",
        ),
        OpenApiParameter(
            "offset",
            {"type": "integer", "minimum": 0, "maximum": MAX_OFFSET},
            OpenApiParameter.QUERY,
            description=f"{what} to skip (at most {MAX_OFFSET}).",
        ),
    ]


class BoundedPagination(LimitOffsetPagination):
    """DRF's limit and offset, strictly: ASCII whole numbers within bounds, else a 400. The one
    reading of ``?limit=&offset=`` in the API: lists of rows page with it as DRF does, the
    leaderboards (an envelope of their own) read their window from it."""

    default_limit = 50
    max_limit = 200
    min_limit = 1

    def get_limit(self, request):
        return whole_number(
            request.query_params,
            self.limit_query_param,
            default=self.default_limit,
            low=self.min_limit,
            high=self.max_limit,
        )

    def get_offset(self, request):
        return whole_number(
            request.query_params, self.offset_query_param, default=0, low=0, high=MAX_OFFSET
        )

    def window(self, request):
        """(offset, limit) asked for, the offset read first (a 400 names the first bad one)."""
        return self.get_offset(request), self.get_limit(request)

    def paginate_queryset(self, queryset, request, view=None):
        self.get_offset(request)  # a bad offset is a 400 even where no limit asks for a page
        return super().paginate_queryset(queryset, request, view)

    @classmethod
    def parameters(cls, what):
        return window_parameters(what, cls.max_limit, cls.default_limit, cls.min_limit)
