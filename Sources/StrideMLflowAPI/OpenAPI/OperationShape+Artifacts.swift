/// The artifact proxy (`mlflow-artifacts`) and the downloads MLflow's web UI makes. The artifact
/// path is the URL's tail (`{artifact_path}`, slashes included).
extension OperationShape {
    static let artifacts: [String: OperationShape] = {
        let listing = OpenAPISchema.object([.optional("files", .array(.reference("FileInfo")))])
        let create = OperationShape(
            summary: "Start a multipart upload", fields: [.required("path", .string), .optional("num_parts", .integer)],
            response: .json(.object([.required("upload_id", .string), .required("credentials", .array(.anyObject))])))
        let complete = OperationShape(
            summary: "Join a multipart upload's parts",
            fields: [
                .required("path", .string), .required("upload_id", .string),
                .optional("parts", .array(.object([.required("part_number", .integer), .required("etag", .string)]))),
            ],
            response: .empty)
        let abort = OperationShape(
            summary: "Abandon a multipart upload", fields: [.required("path", .string), .required("upload_id", .string)], response: .empty)
        return [
            "PUT /2.0/mlflow-artifacts/artifacts/**": OperationShape(summary: "Upload an artifact", response: .stored),
            "GET /2.0/mlflow-artifacts/artifacts/**": OperationShape(summary: "Download an artifact", response: .download),
            "DELETE /2.0/mlflow-artifacts/artifacts/**": OperationShape(summary: "Delete an artifact", response: .empty),
            "GET /2.0/mlflow-artifacts/artifacts": OperationShape(
                summary: "List artifacts in a directory", fields: [.optional("path", .string)], response: .json(listing)),
            "POST /2.0/mlflow-artifacts/mpu/create": create,
            "POST /2.0/mlflow-artifacts/mpu/create/**": create,
            "POST /2.0/mlflow-artifacts/mpu/complete": complete,
            "POST /2.0/mlflow-artifacts/mpu/complete/**": complete,
            "POST /2.0/mlflow-artifacts/mpu/abort": abort,
            "POST /2.0/mlflow-artifacts/mpu/abort/**": abort,
            "PUT /2.0/mlflow-artifacts/mpu/upload/{upload_id}/{part_number}": OperationShape(
                summary: "Upload one part of a multipart upload (the upload id is the credential)", response: .stored),
            "GET /2.0/mlflow-artifacts/presigned/**": OperationShape(
                summary: "Presigned downloads (not supported)", response: .notImplemented),
            "GET /get-artifact": OperationShape(
                summary: "Download one file of a run",
                fields: [.optional("run_id", .string), .optional("run_uuid", .string), .required("path", .string)],
                response: .download, readsRecordedLocation: true),
            "GET /model-versions/get-artifact": OperationShape(
                summary: "Download one file of a model version",
                fields: [.required("name", .string), .required("version", .string), .required("path", .string)], response: .download,
                readsRecordedLocation: true),
            "GET /2.0/mlflow/artifacts/list": OperationShape(
                summary: "List a run's artifacts",
                fields: [.optional("run_id", .string), .optional("run_uuid", .string), .optional("path", .string)],
                response: .json(.object([.optional("root_uri", .string), .optional("files", .array(.reference("FileInfo")))])),
                readsRecordedLocation: true),
            "POST /2.0/mlflow/upload-artifact": OperationShape(
                summary: "Upload one file of at most 10 MB into a run (the web UI's upload; the body is the file)",
                fields: [.required("run_uuid", .string), .required("path", .string)], response: .empty),
            "GET /2.0/mlflow/logged-models/{model_id}/artifacts/directories": OperationShape(
                summary: "List a logged model's files",
                fields: [.optional("artifact_directory_path", .string)],
                response: .json(.object([.optional("root_uri", .string), .optional("files", .array(.reference("FileInfo")))]))),
            "GET /2.0/mlflow/logged-models/{model_id}/artifacts/files": OperationShape(
                summary: "Download one file of a logged model", fields: [.required("artifact_file_path", .string)], response: .download),
        ]
    }()
}
