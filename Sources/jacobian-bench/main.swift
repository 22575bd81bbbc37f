print("jacobian-bench: not yet written")
