"""The 429 page says when to try again and sends Retry-After (issue 14), with the limiter really on."""


def _until_limited(client, url, data=None, headers=None):
    for _ in range(30):
        response = client.post(url, data=data or {}, headers=headers or {})
        if response.status_code == 429:
            return response
    raise AssertionError("never limited")


def test_the_429_page_says_when_to_retry_and_sends_retry_after(limited):
    response = _until_limited(limited.test_client(), "/akun/masuk", {"email": "", "password": ""})
    seconds = int(response.headers["Retry-After"])
    assert 1 <= seconds <= 61  # "10 per minute" (Flask-Limiter rounds the reset up to the next second)
    page = response.get_data(as_text=True)
    assert f"Coba lagi dalam {seconds} detik" in page


def test_the_429_answer_in_json_carries_the_wait_too(limited):
    response = _until_limited(limited.test_client(), "/akun/masuk", {"email": "", "password": ""},
                              headers={"Accept": "application/json"})
    body = response.get_json()
    assert body["retry_after"] == int(response.headers["Retry-After"]) and "detik" in body["message"]
