"""The session cookie's JSON: plain values round-trip; cookies written by Flask's tagged JSON
still load; values plain JSON would change are refused."""

from __future__ import annotations

import datetime as dt

import pytest
from flask.json.tag import TaggedJSONSerializer

from app.session_cookie import PlainJSONSessionSerializer

serializer = PlainJSONSessionSerializer()


def test_plain_values_round_trip() -> None:
    session = {
        "_permanent": True,
        "draft": "tok-123",
        "resume_code": "ABCD-EFGH-JKMN",
        "seen_at": 1764450000.25,
        "pending": [7, 2],
        "lang": "es",
        "after": 'https://x.example/a" b',
    }
    assert serializer.loads(serializer.dumps(session)) == session


def test_a_cookie_with_flasks_tags_still_loads() -> None:
    old = TaggedJSONSerializer().dumps({"_flashes": [("info", "Saved.")], "draft": "tok"})
    assert '" t"' in old
    assert serializer.loads(old) == {"_flashes": [("info", "Saved.")], "draft": "tok"}


def test_a_tuple_comes_back_as_a_list() -> None:
    assert serializer.loads(serializer.dumps({"_flashes": [("info", "Saved.")]})) == {
        "_flashes": [["info", "Saved."]]
    }


@pytest.mark.parametrize("value", [dt.datetime(2026, 1, 2, 3, 4), b"raw"])
def test_a_value_plain_json_would_change_is_refused(value: object) -> None:
    with pytest.raises(TypeError):
        serializer.dumps({"value": value})
