// placeholder for compile
public protocol ConnectionProtocolFactory: Sendable {}
