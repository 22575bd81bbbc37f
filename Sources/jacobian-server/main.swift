import HTTPServer
import ServerApp

// The application's routes plug in here; the operational ones (/healthz, /readyz, /metrics) are always added.
ServiceMain.run { _ in Router() }
