# Production image: the app and the workers run from the same image with different commands.
FROM node:24-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
# onnxruntime-node's CPU binary is in its npm package; its install script would only fetch
# optional CUDA libraries (npm 11 skips dependency scripts anyway).
ENV ONNXRUNTIME_NODE_INSTALL=skip
RUN npm ci --omit=dev --no-audit --no-fund
COPY src ./src
COPY workers ./workers
COPY bots ./bots
COPY widget ./widget
COPY tsconfig.json ./
# The staff console is built into the image (npm start would build it; the image starts node directly).
COPY console ./console
COPY scripts/build-console.ts ./scripts/build-console.ts
RUN node --import tsx scripts/build-console.ts
USER node
EXPOSE 3000
CMD ["node", "--import", "tsx", "src/main.ts"]
