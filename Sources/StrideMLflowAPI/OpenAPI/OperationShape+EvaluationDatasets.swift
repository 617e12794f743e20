/// MLflow 3's evaluation datasets, addressed by id in the path; tags, schema, profile and records
/// travel as JSON text, as in MLflow's protocol.
extension OperationShape {
    static let evaluationDatasets: [String: OperationShape] = {
        let dataset = OpenAPISchema.object([
            .required("dataset_id", .string), .required("name", .string), .required("tags", .string), .optional("schema", .string),
            .optional("profile", .string), .required("digest", .string), .required("created_time", .integer),
            .required("last_update_time", .integer), .optional("created_by", .string), .optional("last_updated_by", .string),
            .optional("experiment_ids", .array(.string)),
        ])
        let wrapped = ResponseShape.wrapping("dataset", dataset)
        let experimentIDs = OpenAPIField.optional("experiment_ids", .array(.string))
        let search = OperationShape(
            summary: "Search evaluation datasets",
            fields: [
                experimentIDs, .optional("filter_string", .string), .optional("max_results", .integer), .optional("order_by", .array(.string)),
                .optional("page_token", .string),
            ],
            response: .page("datasets", dataset))
        return [
            "POST /3.0/mlflow/datasets/create": OperationShape(
                summary: "Create an evaluation dataset",
                fields: [.required("name", .string), experimentIDs, .optional("tags", .string)], response: wrapped),
            "GET /3.0/mlflow/datasets/{dataset_id}": OperationShape(summary: "Get an evaluation dataset", response: wrapped),
            "DELETE /3.0/mlflow/datasets/{dataset_id}": OperationShape(summary: "Delete an evaluation dataset", response: .empty),
            "POST /3.0/mlflow/datasets/search": search,
            "GET /3.0/mlflow/datasets/search": search,
            "PATCH /3.0/mlflow/datasets/{dataset_id}/tags": OperationShape(
                summary: "Set evaluation dataset tags", fields: [.required("tags", .string)], response: .empty),
            "DELETE /3.0/mlflow/datasets/{dataset_id}/tags/{key}": OperationShape(
                summary: "Delete an evaluation dataset tag", response: .empty),
            "GET /3.0/mlflow/datasets/{dataset_id}/experiment-ids": OperationShape(
                summary: "Get an evaluation dataset's experiments", response: .json(.object([experimentIDs]))),
            "POST /3.0/mlflow/datasets/{dataset_id}/add-experiments": OperationShape(
                summary: "Link an evaluation dataset to experiments", fields: [experimentIDs], response: wrapped),
            "POST /3.0/mlflow/datasets/{dataset_id}/remove-experiments": OperationShape(
                summary: "Unlink an evaluation dataset from experiments", fields: [experimentIDs], response: wrapped),
            "POST /3.0/mlflow/datasets/{dataset_id}/records": OperationShape(
                summary: "Insert or merge evaluation dataset records", fields: [.required("records", .string)],
                response: .json(.object([.required("inserted_count", .integer), .required("updated_count", .integer)]))),
            "GET /3.0/mlflow/datasets/{dataset_id}/records": OperationShape(
                summary: "Get evaluation dataset records",
                fields: [.optional("max_results", .integer), .optional("page_token", .string)],
                response: .json(.object([.required("records", .string), .optional("next_page_token", .string)]))),
            "DELETE /3.0/mlflow/datasets/{dataset_id}/records": OperationShape(
                summary: "Delete evaluation dataset records", fields: [.optional("dataset_record_ids", .array(.string))],
                response: .json(.object([.required("deleted_count", .integer)]))),
        ]
    }()
}
