console.log("patching");
