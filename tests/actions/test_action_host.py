"""ACTION_HOST: loopback unless a deployment says otherwise (a container must listen on 0.0.0.0)."""

from __future__ import annotations

import pytest

from actions.settings import ActionSettings


def test_loopback_by_default_and_any_address_a_deployment_names() -> None:
    assert ActionSettings.from_environ({}).host == "127.0.0.1"
    assert ActionSettings.from_environ({"ACTION_HOST": " 0.0.0.0 "}).host == "0.0.0.0"
    assert ActionSettings.from_environ({"ACTION_HOST": "::"}).host == "::"


@pytest.mark.parametrize("bad", ["localhost evil", "๑๒๗.0.0.1", "0.0.0.0\u200b", "999.1.1.1"])
def test_anything_but_an_address_stops_the_start_with_its_name(bad: str) -> None:
    with pytest.raises(ValueError, match="ACTION_HOST must be an IP address"):
        ActionSettings.from_environ({"ACTION_HOST": bad})
