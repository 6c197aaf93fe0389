"""Deterministic prose for generated records.

Words are drawn with a Zipf-like weight so that full-text search behaves as on real text:
a few words (ceasefire, guarantee...) match thousands of rows, most match a handful.
"""

from __future__ import annotations

import random
from itertools import accumulate


def _words(text: str) -> list[str]:
    return text.split()


# Topic words first: the earlier a word, the more often it is drawn.
_TOPIC = _words("""
ceasefire security guarantee troops monitoring sanctions negotiations border withdrawal
sovereignty agreement mission reconstruction talks peace forces support declaration
framework treaty coalition deployment assistance aid energy grain corridor prisoners
exchange humanitarian observers inspection airspace maritime navy infrastructure
investment reparations tribunal accountability elections referendum constitution
autonomy recognition guarantees commitments obligations verification timeline summit
ministers delegation envoy mediator proposal counterproposal draft signature ratification
parliament veto council resolution mandate contingent brigade artillery drones missiles
defence industry production exports loans budget fund insurance shipping ports railways
pipeline electricity nuclear plant safety radiation zone buffer demilitarised line
contact frontline occupied territories regions annexation return refugees displaced
children deportation investigation evidence crimes justice amnesty escalation retaliation
""")

_FILLER = _words("""
the of and to in a is that for on with as by this will be at from it are not we our
their they has have was which an or its all would said any must also under should
further must clear within without against between both only after before during new
""")

_NAMES = _words("""
Aldren Borava Cintra Dovel Esmar Falkor Gerrin Halvik Istra Jorvan Kelmar Lutova Mirea
Norvik Ostra Pelmar Quorin Ravel Selvan Torma Ulvar Veska Wendal Xarin Yelva Zorin
Ardent Brisa Calder Delmar Evran Fiora Galen Hester Ilvan Jessa Korin Lyra Maren Nadia
""")

VOCABULARY = _TOPIC + _FILLER


class Prose:
    """Sentences, titles and names from a seeded random generator."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        # Zipf weights (s = 1): cumulative weights make `choices` O(log n) per word.
        self._cum = list(accumulate(1.0 / (rank + 1) for rank in range(len(VOCABULARY))))

    def words(self, n: int) -> list[str]:
        """`n` words, topic words more frequent than rare ones."""
        return self.rng.choices(VOCABULARY, cum_weights=self._cum, k=n)

    def sentence(self, low: int, high: int) -> str:
        """A capitalised sentence of low..high words ending with a full stop."""
        text = " ".join(self.words(self.rng.randint(low, high)))
        return text[0].upper() + text[1:] + "."

    def title(self, low: int = 3, high: int = 8) -> str:
        """A title: a few capitalised topic words."""
        return " ".join(w.capitalize() for w in self.words(self.rng.randint(low, high)))

    def name(self) -> str:
        """A made-up two-part proper name."""
        return f"{self.rng.choice(_NAMES)} {self.rng.choice(_NAMES)}"
