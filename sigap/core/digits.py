"""Digits as people say and type them: the words callers and chat writers use for each digit (Indonesian, Jakarta's
everyday "lapan", and the English a few residents use). Read by the redaction door (a reporter's number spelled out)
and by the rule that keeps an officer from handing the reporter a number to call."""

from __future__ import annotations

DIGIT_WORDS = {
    "nol": "0",
    "kosong": "0",
    "zero": "0",
    "satu": "1",
    "one": "1",
    "dua": "2",
    "two": "2",
    "tiga": "3",
    "three": "3",
    "empat": "4",
    "four": "4",
    "lima": "5",
    "five": "5",
    "enam": "6",
    "six": "6",
    "tujuh": "7",
    "seven": "7",
    "delapan": "8",
    "lapan": "8",  # Jakarta's everyday "eight"
    "eight": "8",
    "sembilan": "9",
    "nine": "9",
}
