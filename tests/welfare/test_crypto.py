import pytest
from cryptography.fernet import Fernet

from welfare.common import crypto


def test_round_trip_and_ciphertext_is_not_the_plaintext():
    data = "홍길동,900101-1234567\n".encode() * 10
    token = crypto.encrypt_bytes(data)
    assert data not in token and b"900101" not in token
    assert crypto.decrypt_bytes(token) == data
    assert crypto.is_encrypted(token) and not crypto.is_encrypted(data)


def test_rotation_first_key_encrypts_every_key_decrypts(settings):
    old = settings.FIELD_ENCRYPTION_KEY[0]
    token = crypto.encrypt_bytes(b"secret")
    new = Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEY = [new, old]
    assert crypto.decrypt_bytes(token) == b"secret"
    rotated = crypto.rotate(token)
    settings.FIELD_ENCRYPTION_KEY = [new]
    assert crypto.decrypt_bytes(rotated) == b"secret"
    with pytest.raises(crypto.InvalidToken):
        crypto.decrypt_bytes(token)
