/// Integer arithmetic for money in minor units: products and quotients rounded half away from
/// zero, computed at double width so large baskets can't overflow part-way.
enum MinorUnits {
    /// `value × numerator ÷ denominator`, rounded half away from zero.
    static func scale(_ value: Int64, by numerator: Int64, over denominator: Int64) -> Int64 {
        precondition(denominator > 0, "denominator must be positive")
        let negative = (value < 0) != (numerator < 0)
        let product = value.magnitude.multipliedFullWidth(by: numerator.magnitude)
        let (quotient, remainder) = denominator.magnitude.dividingFullWidth(product)
        let rounded = remainder * 2 >= denominator.magnitude ? quotient + 1 : quotient
        let result = Int64(clamping: rounded)
        return negative ? -result : result
    }
}
