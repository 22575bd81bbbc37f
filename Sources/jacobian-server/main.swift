print("jacobian-server: not yet wired")
