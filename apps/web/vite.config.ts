import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The API the dev and preview servers forward /api to (the Fastify server's default address).
const api = process.env.LUOSHI_API_URL ?? 'http://127.0.0.1:3000';

export default defineConfig({
  plugins: [react()],
  server: { proxy: { '/api': api } },
  preview: { proxy: { '/api': api } },
  build: {
    outDir: 'dist',
    chunkSizeWarningLimit: 2000,
  },
});
