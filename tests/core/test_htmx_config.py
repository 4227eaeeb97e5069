"""htmx swaps form fragments answered with field errors (htmx 2 swaps no 4xx by default)."""

import json
import re


def test_pages_configure_htmx_to_swap_field_error_fragments(alpha, client_for):
    page = client_for(alpha).get("/").content.decode()
    content = re.search(r"<meta name=\"htmx-config\" content='([^']+)'>", page).group(1)
    rules = json.loads(content)["responseHandling"]

    def rule_for(status: int) -> dict:
        return next(rule for rule in rules if re.fullmatch(rule["code"], str(status)))

    assert rule_for(400)["swap"] is True and rule_for(409)["swap"] is True
    assert rule_for(200)["swap"] is True
    assert rule_for(500)["swap"] is False and rule_for(404)["swap"] is False
