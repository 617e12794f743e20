/// How long a new access token lives: a whole number of days, at most ``Limits/maxTokenLifetimeDays``.
public enum TokenLifetime {
    private static let millisecondsPerDay: Int64 = 86_400_000

    /// The expiry, in epoch milliseconds, of a token created at `now` that lives `days` days.
    public static func expiry(days: Int, from now: Int64) throws(StrideError) -> Int64 {
        guard days >= 1, days <= Limits.maxTokenLifetimeDays else {
            throw .invalidParameter(
                "expires_in_days must be a whole number of days from 1 to \(Limits.maxTokenLifetimeDays) (the token lifetime limit), got \(days).")
        }
        let (lifetime, productOverflows) = Int64(days).multipliedReportingOverflow(by: millisecondsPerDay)
        let (expiry, sumOverflows) = now.addingReportingOverflow(lifetime)
        guard !productOverflows, !sumOverflows else {
            throw .invalidParameter("expires_in_days \(days) reaches beyond the last representable time.")
        }
        return expiry
    }
}
