from sigap.core.digits import DIGIT_WORDS, spelled


def test_every_digit_has_its_indonesian_and_english_word():
    assert sorted(set(DIGIT_WORDS.values())) == [str(d) for d in range(10)]
    assert spelled("Lapan") == "8" and spelled("kosong") == "0" and spelled("NINE") == "9"
    assert spelled("delapanbelas") is None
