import { defineConfig } from "vite";
import { svelte } from "@sveltejs/vite-plugin-svelte";

export default defineConfig({
  plugins: [svelte()],
  clearScreen: false,
  server: { port: 5173, strictPort: true },
  build: {
    target: "es2022",
    outDir: "dist",
    emptyOutDir: true,
    // No inline scripts or data: URLs, so the strict CSP holds.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
  },
});
