"""The dashboard counts today's leads per channel and says how many still wait
for a first reply, with both charts drawn."""

from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from conftest import instagram_dm, screenshot

ACCOUNT = "17841400000000001"


def test_the_dashboard_counts_new_leads_and_waiting_ones(app, relay):
    wait = WebDriverWait(app, 40)
    wait.until(EC.text_to_be_present_in_element((By.ID, "sync-status"), "Connected"))
    for n in range(3):
        assert relay.post_webhook(instagram_dm(ACCOUNT, f"55502{n}", f"mid.dash.{n}", f"Hello {n}")) == 200
    wait.until(lambda d: d.execute_script("return document.querySelectorAll('#conversations li').length") == 3)

    app.find_element(By.ID, "dashboard-open").click()
    wait.until(EC.text_to_be_present_in_element((By.ID, "dashboard-summary"), "new leads"))
    summary = app.find_element(By.ID, "dashboard-summary").get_attribute("textContent")
    assert summary.startswith("3 new leads in the last 30 days"), summary
    assert "3 still waiting for a first reply" in summary, summary
    # Both charts drew something: the canvases are sized and not blank.
    drawn = app.execute_script(
        """return ['dashboard-leads', 'dashboard-replies'].map(id => {
             const c = document.getElementById(id);
             const pixels = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
             return c.width > 100 && pixels.some(v => v !== 0);
           })"""
    )
    assert drawn == [True, True], drawn
    screenshot(app, "dashboard.png")
    app.find_element(By.ID, "dashboard-close").click()
