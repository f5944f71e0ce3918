import base64
import re
import stat
from collections.abc import Iterator

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from ticketing import signing
from ticketing.signing import MAX_CODE_LENGTH, TicketClaim, generate_seed, public_key_bytes, sign_ticket, verify_ticket

# No example database on disk, and no deadline: the first example pays for loading the key.
fuzz = hypothesis_settings(database=None, deadline=None, max_examples=300)
CODE_SHAPE = re.compile(r"^SC1\.[A-Za-z0-9_-]+$")


@pytest.fixture(scope="module", autouse=True)
def signing_key() -> Iterator[str]:
    """A key of its own for this module (module-scoped, so the property tests can share it)."""
    seed = generate_seed()
    signing.private_key.cache_clear()
    with override_settings(TICKET_SIGNING_KEY=seed):
        yield seed
    signing.private_key.cache_clear()


@pytest.fixture
def fresh_key(settings) -> Iterator[None]:
    """For tests that change the key settings: the cached key is dropped before and after."""
    signing.private_key.cache_clear()
    yield
    signing.private_key.cache_clear()


@pytest.fixture(scope="module")
def code() -> str:
    return sign_ticket(ticket_id=4711, event_id=2019)


def _raw(code: str) -> bytes:
    body = code[len(signing.PREFIX) :]
    return base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))


def _encode(raw: bytes) -> str:
    return signing.PREFIX + base64.urlsafe_b64encode(raw).decode().rstrip("=")


def test_verify_ticket_round_trip(code):
    assert verify_ticket(code) == TicketClaim(ticket_id=4711, event_id=2019)


def test_verify_ticket_with_public_key_bytes_offline(code):
    assert verify_ticket(code, public_key=public_key_bytes()) == TicketClaim(ticket_id=4711, event_id=2019)


def test_sign_ticket_codes_differ_for_the_same_ticket():
    first, second = sign_ticket(ticket_id=1, event_id=1), sign_ticket(ticket_id=1, event_id=1)

    assert first != second
    assert verify_ticket(first) == verify_ticket(second) == TicketClaim(ticket_id=1, event_id=1)


@fuzz
@given(ticket_id=st.integers(min_value=1, max_value=2**63 - 1), event_id=st.integers(min_value=1, max_value=2**32 - 1))
def test_sign_ticket_code_is_short_ascii(ticket_id, event_id):
    code = sign_ticket(ticket_id=ticket_id, event_id=event_id)

    assert len(code) <= MAX_CODE_LENGTH
    assert code.isascii()
    assert CODE_SHAPE.match(code)
    assert verify_ticket(code) == TicketClaim(ticket_id=ticket_id, event_id=event_id)


def test_verify_ticket_other_key_is_invalid(settings, fresh_key, code):
    settings.TICKET_SIGNING_KEY = generate_seed()
    signing.private_key.cache_clear()

    assert verify_ticket(code) is None


def test_verify_ticket_code_of_other_key_is_invalid(code):
    other = Ed25519PrivateKey.generate()
    forged = _encode(_raw(code)[: signing.PAYLOAD.size] + other.sign(_raw(code)[: signing.PAYLOAD.size]))

    assert verify_ticket(forged) is None
    assert verify_ticket(code, public_key=other.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)) is None


def test_verify_ticket_changed_ticket_id_is_invalid(code):
    raw = bytearray(_raw(code))
    raw[8] ^= 0x01  # the lowest byte of the ticket id

    assert verify_ticket(_encode(bytes(raw))) is None


def test_verify_ticket_every_single_bit_flip_is_invalid(code):
    for index in range(len(code)):
        for bit in range(8):
            flipped = code[:index] + chr(ord(code[index]) ^ (1 << bit)) + code[index + 1 :]
            assert verify_ticket(flipped) is None, (index, bit)


def test_verify_ticket_other_spellings_of_a_code_are_invalid(code):
    """A code has one spelling: what a scanner or the database compares is the string itself."""
    middle = len(code) // 2
    spellings = [
        code.replace("-", "+").replace("_", "/"),
        code[:middle] + "!" + code[middle:],
        code[:middle] + "\n" + code[middle:],
        code + "=",
        code + "A",
        " " + code,
    ]
    # The last character carries 2 bits of the signature and 4 unused ones: the other 15 characters
    # with the same 2 bits decode to the same bytes.
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    last = alphabet.index(code[-1])
    spellings += [code[:-1] + char for value, char in enumerate(alphabet) if value >> 4 == last >> 4]
    for spelling in spellings:
        if spelling != code:
            assert verify_ticket(spelling) is None, spelling


@fuzz
@given(data=st.data())
def test_verify_ticket_single_bit_flip_of_raw_code_is_invalid(code, data):
    raw = bytearray(_raw(code))
    index = data.draw(st.integers(min_value=0, max_value=len(raw) - 1))
    bit = data.draw(st.integers(min_value=0, max_value=7))
    raw[index] ^= 1 << bit

    assert verify_ticket(_encode(bytes(raw))) is None


@fuzz
@given(length=st.integers(min_value=0, max_value=114))
def test_verify_ticket_truncated_code_is_invalid(code, length):
    assert verify_ticket(code[:length]) is None


@fuzz
@given(text=st.text(max_size=300))
def test_verify_ticket_random_text_is_invalid(text):
    assert verify_ticket(text) is None
    assert verify_ticket(signing.PREFIX + text) is None


@fuzz
@given(raw=st.binary(max_size=120))
def test_verify_ticket_random_bytes_are_invalid(raw):
    assert verify_ticket(_encode(raw)) is None
    assert verify_ticket(raw) is None  # type: ignore[arg-type]  # not even a string


@fuzz
@given(raw=st.binary(min_size=signing.PAYLOAD.size + signing.SIGNATURE_BYTES, max_size=83))
def test_verify_ticket_random_payload_of_the_right_size_is_invalid(raw):
    assert verify_ticket(_encode(raw)) is None


@pytest.mark.parametrize("value", [None, 42, b"SC1.", ["SC1."], "SC1." + "A" * 300])
def test_verify_ticket_odd_input_is_invalid(value):
    assert verify_ticket(value) is None


def test_private_key_debug_creates_key_file_under_var_dir(settings, fresh_key, tmp_path):
    settings.TICKET_SIGNING_KEY = ""
    settings.DEBUG = True
    settings.VAR_DIR = tmp_path / "var"

    first = public_key_bytes()
    key_file = tmp_path / "var" / "ticket-signing-key"
    signing.private_key.cache_clear()
    second = public_key_bytes()

    assert key_file.exists()
    assert len(base64.b64decode(key_file.read_text().strip(), validate=True)) == 32
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert first == second  # the file is read again, not replaced


def test_private_key_without_key_outside_debug_raises(settings, fresh_key, tmp_path):
    settings.TICKET_SIGNING_KEY = ""
    settings.DEBUG = False
    settings.VAR_DIR = tmp_path

    with pytest.raises(ImproperlyConfigured):
        signing.private_key()
    assert not (tmp_path / "ticket-signing-key").exists()


@pytest.mark.parametrize("value", ["not base64!", base64.b64encode(b"too short").decode()])
def test_private_key_malformed_setting_raises(settings, fresh_key, value):
    settings.TICKET_SIGNING_KEY = value

    with pytest.raises(ImproperlyConfigured):
        signing.private_key()
