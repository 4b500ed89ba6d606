"""Dictionary words with rare characters (``text.known_words``): the shipped table, and real text
made of such words left alone by the repairs that find damage by rare characters.

The sentences are written here: idioms, terms and names whose characters are each rarer than the
suspect line of ``garbled``, two words of them together, which read by their characters alone as
a span decoded out of step does.
"""

from __future__ import annotations

import pytest

from digest.model import RawItem
from digest.text import clean_item
from digest.text.garbled import GarbleRepairs, repair_unlikely_spans
from digest.text.hanzi_frequency import FrequencyTableError, log_frequency
from digest.text.known_words import RARE, _words, in_known_word, in_known_words, parse_words
from digest.text.misdecoding import repair_misdecoding
from tests.text.conftest import CHINA as TZ
from tests.text.conftest import NOW


def test_the_shipped_table_holds_words_of_rare_characters() -> None:
    words = _words()
    assert len(words) > 20_000
    assert {"窀穸", "髑髅", "獬豸", "冕旒"} <= words
    assert all(2 <= len(word) <= 4 for word in words)
    assert all(min(map(log_frequency, word)) < RARE for word in words)


@pytest.mark.parametrize(
    "text",
    ["", "# only a comment\n", "2\t窀穸髑髅\n"],
    ids=["empty", "comment only", "too few words"],
)
def test_a_missing_or_damaged_table_is_an_error_not_an_empty_table(text: str) -> None:
    with pytest.raises(FrequencyTableError):
        parse_words(text)


def test_a_character_stands_in_a_word_either_side_of_it_in_either_script() -> None:
    text = "古墓里的窀穸和髑髏"
    standing = [in_known_word(text, at) for at in range(len(text))]
    assert standing == [False] * 4 + [True, True, False, True, True]
    assert in_known_words(text)
    # One rare character in no word is enough for the text not to read as words.
    assert not in_known_words("窀穸和犰")
    assert not in_known_words("他说好")  # no rare character at all


@pytest.mark.parametrize("text", ["古墓里的窀穸髑髅令人胆寒。", "窀穸髑髅"])
def test_rare_words_together_are_no_span_out_of_step(text: str) -> None:
    assert repair_unlikely_spans(text) == (text, GarbleRepairs())
    assert clean_item(RawItem(title="考古", body=text), now=NOW, tz=TZ, script="keep").text == text


@pytest.mark.parametrize("text", ["蟠螭獬豸", "冕旒缧绁", "觳觫睥睨"])
def test_a_line_of_rare_words_is_not_decoded_as_a_wrong_codec(text: str) -> None:
    assert repair_misdecoding(text) == (text, 0)


def _shifted(text: str) -> str:
    """``text`` read one byte out of step: its first GBK byte lost."""
    return text.encode("gbk")[1:].decode("gbk", errors="replace")


def test_a_span_out_of_step_is_repaired_up_to_a_rare_word_before_it() -> None:
    # The span's first character went with the lost byte; the word before it is real text and
    # stays, where the re-reading had taken it in too (格格锻 for 窀穸和).
    text = "古墓里的窀穸" + _shifted("和一些发掘出来的文物") + "都已运走。"
    repaired, counts = repair_unlikely_spans(text)
    assert repaired.startswith("古墓里的窀穸一些发掘出来的文")
    assert counts.spans == 1
