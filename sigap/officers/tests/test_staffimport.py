"""``sigap staff import``: a city's staff from a CSV file, checked whole before anything is written."""

from __future__ import annotations

import io
import os
import stat

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from sigap.officers.staffimport import ImportRefused, staff_import
from sigap.organization.models import StaffRole
from sigap.privacy.models import AccessEvent

from .helpers import PB_UNIT

pytestmark = pytest.mark.django_db

HEADER = "username,first_name,last_name,email,unit,role\n"
GOOD = (
    HEADER
    + f"petugas.pb1,Siti,Aminah,siti@kota.go.id,{PB_UNIT},officer\n"
    + f"petugas.pb2,Budi,,,{PB_UNIT},officer\n"
    + f"petugas.pb2,Budi,,,{PB_UNIT},unit_admin\n"
    + "validator.biro1,Rina,Wati,,biro-pemerintahan,validator\n"
)


def lines(text: str):
    return io.StringIO(text)


def signs_in(username: str, password: str) -> bool:
    user = get_user_model().objects.get(username=username)
    return user.is_active and user.check_password(password)


def test_a_file_adds_its_accounts_and_roles_once_and_is_logged():
    done = staff_import(lines(GOOD))
    assert sorted(done.created) == ["petugas.pb1", "petugas.pb2", "validator.biro1"]
    assert len(done.roles_added) == 4 and done.already == 0
    assert done.need_authenticator == ["petugas.pb2", "validator.biro1"]  # unit_admin and validator need a code
    assert signs_in("petugas.pb1", done.created["petugas.pb1"])
    siti = get_user_model().objects.get(username="petugas.pb1")
    assert (siti.first_name, siti.email) == ("Siti", "siti@kota.go.id")
    assert not siti.is_staff and not siti.is_superuser  # the admin is for administrators only
    assert set(StaffRole.objects.filter(user__username="petugas.pb2").values_list("role", flat=True)) == {
        "officer",
        "unit_admin",
    }
    event = AccessEvent.objects.get(action="staff_import")
    assert "petugas.pb1" in str(event.detail) and done.created["petugas.pb1"] not in str(event.detail)
    again = staff_import(lines(GOOD))  # running the file again changes nothing
    assert (again.created, again.roles_added, again.already) == ({}, [], 4)
    assert StaffRole.objects.count() == 4 and AccessEvent.objects.filter(action="staff_import").count() == 1


def test_an_existing_account_keeps_its_password_and_name_and_gains_the_missing_role(staff):
    officer = staff("petugas.pb1", PB_UNIT)
    officer.set_password("the-officers-own-password")
    officer.save()
    done = staff_import(lines(HEADER + "petugas.pb1,Other,Name,,biro-pemerintahan,validator\n"))
    assert done.created == {} and done.roles_added == [("petugas.pb1", "validator", "biro-pemerintahan")]
    officer.refresh_from_db()
    assert officer.check_password("the-officers-own-password") and officer.first_name != "Other"


def test_a_file_with_errors_writes_nothing_and_names_each_wrong_line():
    bad = (
        GOOD
        + "petugas x,A,B,,kel:31.75.07.1002,officer\n"  # line 6: a space in the username
        + "petugas.pb3,A,B,,kel:99.99.99.9999,officer\n"  # 7: no such unit
        + f"petugas.pb4,A,B,,{PB_UNIT},lurah\n"  # 8: no such role
        + "ppid.biro,A,B,,biro-pemerintahan,privacy_officer\n"  # 9: takes a second admin
        + f"petugas.pb5,A,B,not-an-address,{PB_UNIT},officer\n"  # 10
        + f"petugas.pb1,Siti,Lain,,{PB_UNIT},unit_admin\n"  # 11: another name for the same account
    )
    with pytest.raises(ImportRefused) as refused:
        staff_import(lines(bad))
    assert [line.split(":")[0] for line in refused.value.lines] == [f"line {n}" for n in range(6, 12)]
    assert "second admin" in refused.value.lines[3]
    assert not get_user_model().objects.exists() and not StaffRole.objects.exists()
    with pytest.raises(ImportRefused) as header:
        staff_import(lines("username,unit\nx,y\n"))
    assert "first_name" in header.value.lines[0]


def test_a_dry_run_says_what_it_would_add_and_writes_nothing():
    planned = staff_import(lines(GOOD), dry_run=True)
    assert len(planned.created) == 3 and len(planned.roles_added) == 4
    assert not get_user_model().objects.exists() and not AccessEvent.objects.filter(action="staff_import").exists()


def test_the_command_writes_the_first_passwords_to_a_new_file_only_its_owner_reads(tmp_path):
    source = tmp_path / "staf.csv"
    source.write_text(GOOD, encoding="utf-8")
    out = tmp_path / "kata-sandi.csv"
    with pytest.raises(CommandError, match="--passwords"):
        call_command("staff", "import", str(source))
    assert not get_user_model().objects.exists()
    printed = io.StringIO()
    call_command("staff", "import", str(source), "--passwords", str(out), stdout=printed)
    assert stat.S_IMODE(os.stat(out).st_mode) == 0o600
    rows = out.read_text().splitlines()
    assert rows[0] == "username,password" and len(rows) == 4
    username, password = rows[1].split(",")
    assert signs_in(username, password)
    assert password not in printed.getvalue() and "sigap otp enroll" in printed.getvalue()
    source.write_text(GOOD + f"petugas.pb9,A,B,,{PB_UNIT},officer\n", encoding="utf-8")
    with pytest.raises(CommandError, match="cannot create"):  # never over an existing file
        call_command("staff", "import", str(source), "--passwords", str(out))
    assert not get_user_model().objects.filter(username="petugas.pb9").exists()
    listed = io.StringIO()
    call_command("staff", "list", "--unit", PB_UNIT, stdout=listed)
    assert "petugas.pb1\tofficer" in listed.getvalue() and "validator.biro1" not in listed.getvalue()


def test_what_the_accounts_table_cannot_hold_is_named_by_line_and_writes_nothing():
    """Found by a review: a NUL, a name past 150 characters or an email past 254 reached the database (a raw
    DataError on PostgreSQL) instead of being named with its line."""
    bad = (
        HEADER
        + f"petugas.pb1,Si\x00ti,Aminah,,{PB_UNIT},officer\n"  # line 2: a NUL
        + f"petugas.pb2,{'A' * 151},B,,{PB_UNIT},officer\n"  # 3: a first name past 150
        + f"petugas.pb3,A,B,{'a' * 250}@kota.go.id,{PB_UNIT},officer\n"  # 4: an email past 254
    )
    with pytest.raises(ImportRefused) as refused:
        staff_import(lines(bad))
    assert [line.split(":")[0] for line in refused.value.lines] == ["line 2", "line 3", "line 4"]
    assert not get_user_model().objects.exists()


@pytest.mark.parametrize(
    "content",
    [
        "username,first_name\n".encode("utf-16"),  # not UTF-8
        b"username,first_name,last_name,email,unit,role\n\xff\xfe\x00garbage\n",
        ("username,first_name,last_name,email,unit,role\n" + "x" * 140_000 + "\n").encode(),  # past csv's field limit
    ],
)
def test_the_command_says_a_file_is_no_utf8_csv_and_writes_nothing(tmp_path, content):
    source = tmp_path / "staff.csv"
    source.write_bytes(content)
    with pytest.raises(CommandError) as refused:
        call_command("staff", "import", str(source), "--passwords", str(tmp_path / "pw.csv"))
    assert "nothing was written" in str(refused.value)
    assert not get_user_model().objects.exists() and not (tmp_path / "pw.csv").exists()
