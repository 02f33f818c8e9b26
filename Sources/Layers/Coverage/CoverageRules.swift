import GeoCore

/// The sanitary rules for municipal solid waste (ТКО) container sites, as data.
///
/// The defaults are the numbers of SanPiN 2.1.3684-21, clause 4. A site must be 20–100 m
/// from multi-apartment and individual houses, children's playgrounds and sports grounds,
/// and the buildings and grounds of children's organisations. It must be at least 25 m from
/// medical organisations' grounds in urban settlements, 15 m in rural ones. The minimum
/// distances may be reduced by up to 25% after a sanitary assessment, or by up to 50% where
/// the site collects waste separately, but only where the site carries that exception. A
/// site holds at most 8 containers for mixed waste (12 where it collects separately) and 1
/// bulky-waste bin.
public struct CoverageRules: Sendable, Hashable {
    public var profile: String
    /// Least distance to residential buildings and children's objects, metres.
    public var residentialMinMetres: Double
    /// Greatest distance from a residential building to its site, metres.
    public var residentialMaxMetres: Double
    /// Least distance to medical organisations' grounds, metres.
    public var medicalMinMetres: Double
    /// Fraction the minimum distances may shrink by for a site with a sanitary assessment.
    public var assessmentReduction: Double
    /// Fraction the minimum distances may shrink by for a site that collects separately.
    public var separateCollectionReduction: Double
    public var maxMixedContainers: Int
    public var maxSeparateContainers: Int
    public var maxBulkyBins: Int

    /// The site properties the analysis reads.
    public var containersProperty = "containers"
    public var bulkyBinsProperty = "bulky_bins"
    public var separateCollectionProperty = "separate_collection"
    public var sanitaryAssessmentProperty = "sanitary_assessment"
    /// Building properties for the load per container (the first present is used).
    public var loadProperties = ["residents", "flats"]
    /// The property that says what a sensitive object is, and the values that make it
    /// medical (everything else counts as a children's object, like a residential one).
    public var sensitiveKindProperty = "kind_code"
    public var medicalKinds: Set<String> = ["clinic", "hospital", "поликлиника", "больница", "медицинская организация"]

    /// The clause every number comes from.
    public static let source = "SanPiN 2.1.3684-21 cl. 4"

    public static let urban = CoverageRules(profile: "urban", residentialMinMetres: 20, residentialMaxMetres: 100,
                                            medicalMinMetres: 25, assessmentReduction: 0.25, separateCollectionReduction: 0.5,
                                            maxMixedContainers: 8, maxSeparateContainers: 12, maxBulkyBins: 1)
    public static let rural = CoverageRules(profile: "rural", residentialMinMetres: 20, residentialMaxMetres: 100,
                                            medicalMinMetres: 15, assessmentReduction: 0.25, separateCollectionReduction: 0.5,
                                            maxMixedContainers: 8, maxSeparateContainers: 12, maxBulkyBins: 1)

    public init(profile: String, residentialMinMetres: Double, residentialMaxMetres: Double, medicalMinMetres: Double,
                assessmentReduction: Double, separateCollectionReduction: Double, maxMixedContainers: Int,
                maxSeparateContainers: Int, maxBulkyBins: Int) {
        self.profile = profile
        self.residentialMinMetres = residentialMinMetres
        self.residentialMaxMetres = residentialMaxMetres
        self.medicalMinMetres = medicalMinMetres
        self.assessmentReduction = assessmentReduction
        self.separateCollectionReduction = separateCollectionReduction
        self.maxMixedContainers = maxMixedContainers
        self.maxSeparateContainers = maxSeparateContainers
        self.maxBulkyBins = maxBulkyBins
    }

    /// `urban`, `rural`, or a YAML/JSON file that starts from a profile (`base: rural`) and
    /// overrides any number.
    public init(profile name: String) throws(ConfigurationError) {
        switch name {
        case "urban": self = .urban
        case "rural": self = .rural
        default:
            let value = try StructuredFile.load(name)
            let keys: Set<String> = ["base", "residential_min_m", "residential_max_m", "medical_min_m", "assessment_reduction",
                                     "separate_collection_reduction", "max_mixed_containers", "max_separate_containers",
                                     "max_bulky_bins", "medical_kinds", "sensitive_kind_property"]
            let r = try ConfigurationReader(value, file: name, position: "profile", allowed: keys)
            switch try r.text("base") ?? "urban" {
            case "urban": self = .urban
            case "rural": self = .rural
            case let other: throw r.fail(".base must be urban or rural, not \(other)")
            }
            profile = name
            func number(_ key: String, _ range: ClosedRange<Double>) throws(ConfigurationError) -> Double? {
                guard let v = try r.number(key) else { return nil }
                guard range.contains(v) else { throw r.fail(".\(key) must be within \(range.lowerBound)…\(range.upperBound)") }
                return v
            }
            residentialMinMetres = try number("residential_min_m", 0 ... 1000) ?? residentialMinMetres
            residentialMaxMetres = try number("residential_max_m", 1 ... 10_000) ?? residentialMaxMetres
            medicalMinMetres = try number("medical_min_m", 0 ... 1000) ?? medicalMinMetres
            assessmentReduction = try number("assessment_reduction", 0 ... 0.25) ?? assessmentReduction
            separateCollectionReduction = try number("separate_collection_reduction", 0 ... 0.5) ?? separateCollectionReduction
            maxMixedContainers = Int(try number("max_mixed_containers", 0 ... 1000) ?? Double(maxMixedContainers))
            maxSeparateContainers = Int(try number("max_separate_containers", 0 ... 1000) ?? Double(maxSeparateContainers))
            maxBulkyBins = Int(try number("max_bulky_bins", 0 ... 100) ?? Double(maxBulkyBins))
            if let kinds = try r.list("medical_kinds") { medicalKinds = Set(kinds.compactMap(\.plainText)) }
            sensitiveKindProperty = try r.text("sensitive_kind_property") ?? sensitiveKindProperty
            guard residentialMinMetres < residentialMaxMetres else { throw r.fail(": residential_min_m must be below residential_max_m") }
        }
    }

    /// The fraction a site's minimum distances shrink by: the larger of the exceptions the
    /// site carries, and its name for reports.
    func reduction(of site: JSONObject) -> (fraction: Double, reason: String?) {
        if site[separateCollectionProperty] == .bool(true) { return (separateCollectionReduction, "separate collection −\(percent(separateCollectionReduction))") }
        if site[sanitaryAssessmentProperty] == .bool(true) { return (assessmentReduction, "sanitary assessment −\(percent(assessmentReduction))") }
        return (0, nil)
    }

    private func percent(_ f: Double) -> String { "\(Int((f * 100).rounded()))%" }
}
