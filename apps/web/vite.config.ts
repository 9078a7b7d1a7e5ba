import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The API the dev and preview servers forward /api to (the Fastify server's default address).
const api = process.env.LUOSHI_API_URL ?? 'http://127.0.0.1:3000';

// The browser's Host reaches the server unchanged (Vite's string shorthand would rewrite it to the target): the
// server refuses a write whose Origin is not its own host, as a cross-site request.
const proxy = { '/api': { target: api, changeOrigin: false } };

export default defineConfig({
  plugins: [react()],
  server: { proxy },
  preview: { proxy },
  build: {
    outDir: 'dist',
    chunkSizeWarningLimit: 2000,
  },
});
