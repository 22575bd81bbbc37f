import ServerApp
