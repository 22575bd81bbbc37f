import Foundation
import HTTPServer
import JacobianAPI
import ServerApp

// The process (configuration, logs, metrics, /healthz, /readyz, /metrics, signals) comes from ServerApp;
// the application adds the API's routes, sharing the engine ServerApp built from the configured limits.
ServiceMain.run { context in
    var router = Router()
    let api = JacobianAPI(engine: context.engine, configuration: context.configuration.apiConfiguration)
    if let directory = context.configuration.modelDirectory {
        // A repository that cannot be served in full is refused: a replica must not start without its models.
        do {
            let files = try api.models.loadDirectory(directory)
            context.logger.notice("loaded \(files.count) models from \(directory)", metadata: ["models": "\(files)"])
        } catch {
            context.logger.critical("cannot load the model directory: \(error)")
            exit(1)
        }
    }
    api.register(in: &router)
    return router
}
