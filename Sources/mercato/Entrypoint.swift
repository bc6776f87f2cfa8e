import Mercato

/// The thin executable: everything lives in the `Mercato` library.
@main
enum Entrypoint {
    static func main() async {
        await MercatoCommand.runFromCommandLine()
    }
}
