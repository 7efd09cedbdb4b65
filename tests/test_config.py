"""Settings read from the environment: values parsed, mistakes named without echoing secrets."""

from __future__ import annotations

import pytest

from pledgebot.config import Settings


@pytest.mark.parametrize(
    "raw, why",
    [
        ("editor-hunter2", "no ':'"),
        (":hunter2", "an empty user name"),
        ("editor:", "an empty password"),
    ],
)
def test_a_malformed_login_is_named_but_never_echoed(tmp_path, raw, why):
    with pytest.raises(ValueError, match="PLEDGEBOT_AUTH") as err:
        Settings.from_env({"PLEDGEBOT_HOME": str(tmp_path), "PLEDGEBOT_AUTH": raw})
    assert why in str(err.value) and "hunter2" not in str(err.value)


def test_a_login_is_split_at_the_first_colon(tmp_path):
    settings = Settings.from_env({"PLEDGEBOT_HOME": str(tmp_path), "PLEDGEBOT_AUTH": " editor:pa:ss "})
    assert settings.auth == ("editor", "pa:ss")
