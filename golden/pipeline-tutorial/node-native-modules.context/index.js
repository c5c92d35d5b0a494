// A tiny Express service; `node index.js --self-test` serves one request on loopback and exits.
const http = require("http");
const express = require("express");

const app = express();
app.get("/health", (req, res) => res.json({ status: "ok" }));

function selfTest() {
  const server = app.listen(0, "127.0.0.1", () => {
    const { port } = server.address();
    http.get({ host: "127.0.0.1", port, path: "/health" }, (res) => {
      let body = "";
      res.on("data", (chunk) => (body += chunk));
      res.on("end", () => {
        server.close();
        const ok = res.statusCode === 200 && JSON.parse(body).status === "ok";
        console.log(ok ? "self-test ok" : `self-test failed: ${res.statusCode} ${body}`);
        process.exitCode = ok ? 0 : 1;
      });
    });
  });
}

if (process.argv.includes("--self-test")) {
  selfTest();
} else {
  app.listen(process.env.PORT || 3000);
}
