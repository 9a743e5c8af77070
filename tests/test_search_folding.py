"""Search is insensitive to accents and case in every script, through the real store and services."""

import pytest

from crowdops.app import App
from crowdops.domain.search import fold
from crowdops.services.incidents import IncidentInput, TimelineQuery


@pytest.mark.parametrize(
    ("text", "query"),
    [
        ("Συγκέντρωση στο Σύνταγμα", "συνταγμα"),  # typed without the tonos
        ("Συγκέντρωση στο Σύνταγμα", "ΣΥΝΤΑΓΜΑ"),  # Greek capitals are written without accents
        ("Πορεία προς την Ομόνοια", "ομονοια"),
        ("Ο δρόμος έκλεισε", "δρομος"),  # final sigma folds to sigma
        ("وصولُ عائلاتٍ إلى المخيّم", "المخيم"),  # Arabic with and without harakat and shadda
        ("Straße gesperrt, Übergang zu", "ubergang"),
        ("Évacuation de la place", "evacuation"),
        ("Пункт збору біля Київської брами", "КИІВСЬКОІ"),  # Ukrainian: ї folds to і, case too
    ],
)
def test_search_folds_accents_and_case(staffed: App, text: str, query: str):
    op = staffed.operations.current()
    staffed.incidents.log(op.id, IncidentInput("other", 2, text), actor="cmdr")
    staffed.incidents.log(op.id, IncidentInput("other", 2, "Unrelated entry"), actor="cmdr")
    found = staffed.incidents.list(TimelineQuery(op.id, search=query))
    assert [i.description for i in found] == [text]


def test_the_original_text_is_kept_unfolded(staffed: App):
    op = staffed.operations.current()
    logged = staffed.incidents.log(op.id, IncidentInput("other", 2, "Σύνταγμα"), actor="cmdr")
    assert staffed.incidents.get(logged.short_id).description == "Σύνταγμα"


def test_fold():
    assert fold("ΣΎΝΤΑΓΜΑ Ομόνοια") == "συνταγμα ομονοια"
    assert fold(None) is None
