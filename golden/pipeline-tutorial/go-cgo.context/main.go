// Command go_service is a tiny net/http service.
// With -self-test it serves one request on loopback and exits.
package main

import (
	"flag"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
)

func health(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	fmt.Fprint(w, `{"status":"ok"}`)
}

func selfTest(handler http.Handler) error {
	server := httptest.NewServer(handler)
	defer server.Close()
	resp, err := http.Get(server.URL + "/health")
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK || string(body) != `{"status":"ok"}` {
		return fmt.Errorf("unexpected response %d %q", resp.StatusCode, body)
	}
	return nil
}

func main() {
	check := flag.Bool("self-test", false, "serve one request on loopback and exit")
	addr := flag.String("addr", ":8080", "listen address")
	flag.Parse()

	mux := http.NewServeMux()
	mux.HandleFunc("/health", health)
	if *check {
		if err := selfTest(mux); err != nil {
			fmt.Fprintln(os.Stderr, "self-test failed:", err)
			os.Exit(1)
		}
		fmt.Println("self-test ok")
		return
	}
	log.Fatal(http.ListenAndServe(*addr, mux))
}
