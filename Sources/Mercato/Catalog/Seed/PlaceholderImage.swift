import Foundation

/// A small generated SVG standing in for a product photo: the product's colour and initials.
enum PlaceholderImage {
    static func svg(for product: NewProduct) -> Data {
        let initials = product.title.split(separator: " ").prefix(2).compactMap(\.first).map(String.init).joined()
        let label = product.title.replacingOccurrences(of: "&", with: "and").replacingOccurrences(of: "<", with: "")
        return Data(
            """
            <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 400 400" role="img" aria-label="\(label)">\
            <rect width="400" height="400" fill="\(product.imageColour)"/>\
            <circle cx="200" cy="180" r="90" fill="#ffffff" fill-opacity="0.18"/>\
            <text x="200" y="205" font-family="sans-serif" font-size="72" fill="#ffffff" \
            text-anchor="middle">\(initials)</text></svg>
            """.utf8)
    }
}
