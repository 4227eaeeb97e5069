import pytest

from tenant_apps.links.useragents import UserAgentInfo, parse_user_agent

# (user agent, browser, version, os, device) — strings as real clients send them.
TABLE = [
    (
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/124.0.0.0 Safari/537.36",
        "Chrome", "124.0.0", "Windows", "desktop",
    ),
    (
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4_1 like Mac OS X) AppleWebKit/605.1.15 "
        "(KHTML, like Gecko) Version/17.4.1 Mobile/15E148 Safari/604.1",
        "Mobile Safari", "17.4.1", "iOS", "mobile",
    ),
    (
        "Mozilla/5.0 (iPad; CPU OS 16_6 like Mac OS X) AppleWebKit/605.1.15 "
        "(KHTML, like Gecko) Version/16.6 Mobile/15E148 Safari/604.1",
        "Mobile Safari", "16.6", "iOS", "tablet",
    ),
    (
        "Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0",
        "Firefox", "125.0", "Ubuntu", "desktop",
    ),
    (
        "Mozilla/5.0 (X11; Linux x86_64; rv:109.0) Gecko/20100101 Firefox/115.0",
        "Firefox", "115.0", "Linux", "desktop",
    ),
    (
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/124.0.0.0 Safari/537.36 Edg/124.0.2478.67",
        "Edge", "124.0.2478", "Windows", "desktop",
    ),
    (
        "Mozilla/5.0 (Linux; Android 14; SAMSUNG SM-S918B) AppleWebKit/537.36 "
        "(KHTML, like Gecko) SamsungBrowser/24.0 Chrome/117.0.0.0 Mobile Safari/537.36",
        "Samsung Internet", "24.0", "Android", "mobile",
    ),
    (
        "Mozilla/5.0 (Linux; Android 13; SM-X700) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/122.0.6261.105 Safari/537.36",
        "Chrome", "122.0.6261", "Android", "tablet",
    ),
    (
        "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/124.0.0.0 Mobile Safari/537.36",
        "Chrome Mobile", "124.0.0", "Android", "mobile",
    ),
    (
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 "
        "(KHTML, like Gecko) Version/17.4 Safari/605.1.15",
        "Safari", "17.4", "Mac OS X", "desktop",
    ),
    (
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 "
        "(KHTML, like Gecko) CriOS/124.0.6367.111 Mobile/15E148 Safari/604.1",
        "Chrome Mobile iOS", "124.0.6367", "iOS", "mobile",
    ),
    (
        "Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/124.0.0.0 Safari/537.36",
        "Chrome", "124.0.0", "Chrome OS", "desktop",
    ),
    (
        "Mozilla/5.0 (Linux; Android 11; KFTRWI) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Silk/124.2.1 like Chrome/124.0.6367.118 Safari/537.36",
        "Amazon Silk", "124.2.1", "Android", "tablet",
    ),
    (
        "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
        "Googlebot", "2.1", "Other", "bot",
    ),
    (
        "Mozilla/5.0 (Linux; Android 6.0.1; Nexus 5X Build/MMB29P) AppleWebKit/537.36 "
        "(KHTML, like Gecko) Chrome/124.0.6367.118 Mobile Safari/537.36 "
        "(compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
        "Googlebot", "2.1", "Android", "bot",
    ),
    (
        "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
        "bingbot", "2.0", "Other", "bot",
    ),
    (
        "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
        "FacebookBot", "1.1", "Other", "bot",
    ),
    (
        "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)",
        "Slackbot-LinkExpanding", "1.0", "Other", "bot",
    ),
    (
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "HeadlessChrome/124.0.0.0 Safari/537.36",
        "HeadlessChrome", "124.0.0", "Windows", "bot",
    ),
    ("curl/8.4.0", "curl", "8.4.0", "Other", "bot"),
    ("Wget/1.21.4", "Wget", "1.21.4", "Other", "bot"),
    ("python-requests/2.31.0", "Python Requests", "2.31", "Other", "bot"),
    ("", "Other", "", "Other", "other"),
    ("   ", "Other", "", "Other", "other"),
    ("Mozilla/5.0 (PlayStation; PlayStation 5/2.26) AppleWebKit/605.1.15 (KHTML, like Gecko)",
     "Apple Mail", "605.1.15", "Other", "other"),
]  # fmt: skip


@pytest.mark.parametrize(("ua", "browser", "version", "os", "device"), TABLE)
def test_parse_user_agent(ua, browser, version, os, device):
    assert parse_user_agent(ua) == UserAgentInfo(
        browser=browser, browser_version=version, os=os, device=device
    )


def test_table_has_at_least_fifteen_real_user_agents():
    assert len(TABLE) >= 15


def test_none_is_treated_as_empty():
    assert parse_user_agent(None).device == "other"  # type: ignore[arg-type]
