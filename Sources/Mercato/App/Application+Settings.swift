import Vapor

extension Application {
    private struct SettingsKey: StorageKey {
        typealias Value = Settings
    }

    /// The configuration the application was built from.
    public var settings: Settings {
        get {
            guard let settings = storage[SettingsKey.self] else {
                fatalError("MercatoApplication.make sets the settings before anything reads them")
            }
            return settings
        }
        set { storage[SettingsKey.self] = newValue }
    }
}

extension LogSettings.Level {
    var loggerLevel: Logger.Level {
        switch self {
        case .trace: .trace
        case .debug: .debug
        case .info: .info
        case .notice: .notice
        case .warning: .warning
        case .error: .error
        case .critical: .critical
        }
    }
}
