"""The staff-side fixtures (stored submissions) for the operations tests."""

from tests.review.conftest import fetch, make_submission

__all__ = ["fetch", "make_submission"]
