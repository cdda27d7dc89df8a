from sigap.core.digits import DIGIT_WORDS


def test_every_digit_has_its_indonesian_and_english_word():
    assert sorted(set(DIGIT_WORDS.values())) == [str(d) for d in range(10)]
    assert DIGIT_WORDS["lapan"] == "8" and DIGIT_WORDS["kosong"] == "0" and DIGIT_WORDS["nine"] == "9"
    assert "delapanbelas" not in DIGIT_WORDS
