"""Fixtures for the data-protection tests."""

import pytest

from tests.factories import make_survey_page


@pytest.fixture
def survey(db):
    return make_survey_page()


@pytest.fixture
def home(db):
    from pages.setup import ensure_home_page

    return ensure_home_page()
