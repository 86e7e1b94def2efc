// The dashboard: new leads per channel per day (stacked bars) and the median
// time to a first reply (a line), over the last 30 days, drawn by Chart.js.
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
} from "chart.js";
import { dashboard } from "./ipc/commands";
import { CHANNELS, dashboardSummary, leadSeries } from "./dashboard-logic";
import { errorMessage, platformName } from "./format";

Chart.register(BarController, BarElement, CategoryScale, LinearScale, LineController, LineElement, PointElement, Legend, Tooltip);

const byId = <T extends HTMLElement>(id: string): T => {
  const element = document.getElementById(id);
  if (!element) throw new Error(`missing #${id}`);
  return element as T;
};

const COLOURS: Record<string, string> = {
  instagram: "#d6336c",
  messenger: "#1f6feb",
  whatsapp: "#2da44e",
  website: "#8250df",
};

let charts: Chart[] = [];

async function draw() {
  const summary = byId("dashboard-summary");
  charts.forEach((chart) => chart.destroy());
  charts = [];
  try {
    const board = await dashboard();
    summary.textContent = dashboardSummary(board);
    const { labels, series } = leadSeries(board);
    charts.push(
      new Chart(byId<HTMLCanvasElement>("dashboard-leads"), {
        type: "bar",
        data: {
          labels,
          datasets: CHANNELS.map((channel) => ({
            label: platformName(channel),
            data: series[channel],
            backgroundColor: COLOURS[channel],
          })),
        },
        options: {
          animation: false,
          maintainAspectRatio: false,
          scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 }, title: { display: true, text: "new leads" } } },
        },
      }),
      new Chart(byId<HTMLCanvasElement>("dashboard-replies"), {
        type: "line",
        data: {
          labels,
          datasets: [
            {
              label: "median minutes to first reply",
              data: board.median_first_reply_minutes,
              borderColor: "#9a6700",
              spanGaps: true,
            },
          ],
        },
        options: {
          animation: false,
          maintainAspectRatio: false,
          scales: { y: { beginAtZero: true, title: { display: true, text: "minutes" } } },
        },
      }),
    );
  } catch (error) {
    summary.textContent = errorMessage(error);
  }
}

export function wireDashboard() {
  const dialog = byId<HTMLDialogElement>("dashboard-dialog");
  byId("dashboard-open").addEventListener("click", () => {
    dialog.showModal();
    void draw();
  });
  byId("dashboard-close").addEventListener("click", () => dialog.close());
}
