import HTTPServer
import JacobianAPI
import ServerApp

// The process (configuration, logs, metrics, /healthz, /readyz, /metrics, signals) comes from ServerApp;
// the application adds the API's routes, sharing the engine ServerApp built from the configured limits.
ServiceMain.run { context in
    var router = Router()
    JacobianAPI(engine: context.engine, configuration: context.configuration.apiConfiguration).register(in: &router)
    return router
}
